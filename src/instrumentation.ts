// Runs once when the server starts: checks the configuration (a bad value
// stops the server, naming the variable) and starts the runtime metrics. The
// mail outbox worker runs beside the API in the server entry (scripts/serve.ts).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./env");
  const settings = config();
  if (settings.METRICS_TOKEN) (await import("./server/http/runtime-metrics")).startRuntimeMetrics();
  const { logger } = await import("./server/logger");
  if (!settings.RESEND_API_KEY && settings.NODE_ENV === "production") {
    logger.warn("RESEND_API_KEY is not set: no mail is sent, and none is kept (set it to send mail).");
  } else if (!settings.RESEND_API_KEY) {
    logger.info("RESEND_API_KEY is not set: mail is kept for /dev/mailbox and its links printed here.");
  }
}
