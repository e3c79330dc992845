// Starts the app: validates the configuration (stopping with a message that
// names a bad variable), applies pending migrations, then serves Next.js.
// A small custom server records each request's socket address, which the
// app uses for rate limits and session records.
import http from "node:http";
import next from "next";
import { ConfigError, parseConfig } from "../src/env";
import { recordPeerAddress } from "../src/server/http/peer-address";
import { securityHeaders } from "../src/server/http/security-headers";
import { createApiHandler, isApiPath, serveNode } from "../src/server/http/api-server";
import { createServices, sharedServices } from "../src/server/services/context";
import { startSessionPruning } from "../src/server/services/session-pruning";
import { warmUpPasswordHashing } from "../src/server/auth/password";
import { hugePagesWarning, readHugePagesSetting } from "../src/server/auth/huge-pages";
import { logger } from "../src/server/logger";
import { migrate } from "./migrate";

async function main() {
  const dev = process.argv.includes("--dev");
  const config = parseConfig(process.env);
  await migrate(config.DATABASE_URL, { quiet: true });
  console.log("[accounts] database is up to date");
  const hostname = config.HOST;
  const app = next({ dev, hostname, port: config.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const headers = Object.entries(securityHeaders(config.APP_URL));
  // The JSON APIs are answered here directly; pages and the rest go to Next.js.
  const services = sharedServices(() => createServices(config)); // the pages use the same
  await warmUpPasswordHashing();
  const hugePages = hugePagesWarning(readHugePagesSetting());
  if (hugePages) logger.warn(hugePages);
  services.mail.start();
  startSessionPruning(services.db, config);
  const api = createApiHandler(() => services);
  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (isApiPath(pathname)) {
      serveNode(req, res, api, headers).catch((error) => {
        logger.error({ err: error }, "API request failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "INTERNAL_ERROR" }));
      });
      return;
    }
    recordPeerAddress(req);
    for (const [name, value] of headers) res.setHeader(name, value);
    void handle(req, res);
  });
  server.listen(config.PORT, hostname, () => {
    console.log(`[accounts] serving ${config.APP_URL} (listening on ${hostname}:${config.PORT}, ${dev ? "development" : "production"})`);
  });
  // Security events still queued are stored before the process ends.
  const stop = () => server.close(() => void services.securityEvents.flush().finally(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error("[accounts] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
