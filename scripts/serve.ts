// The server entry: `npm start` runs it compiled (dist/serve.js, built by
// `npm run build`), `npm run dev` with tsx and --dev. It validates the
// configuration (stopping with a message that names a bad variable) and
// boots the app (src/server/boot.ts); SIGTERM and SIGINT stop it gracefully.
import { ConfigError, parseConfig } from "../src/env";
import { boot } from "../src/server/boot";

async function main() {
  const dev = process.argv.includes("--dev");
  // The compiled entry is the production server: started by hand without
  // NODE_ENV (a container's command), it must not fall back to development,
  // which logs mailed links, keeps mail for a development mailbox and sends
  // Server-Timing. An explicit NODE_ENV is kept.
  if (!dev) (process.env as Record<string, string | undefined>).NODE_ENV ??= "production";
  const config = parseConfig(process.env);
  const app = await boot(config, { dev });
  console.log(
    `[accounts] serving ${config.APP_URL} (listening on ${app.url.replace("http://", "")}, ${dev ? "development" : config.NODE_ENV})`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void app.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error("[accounts] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
