// The one way the app runs (scripts/serve.ts for `npm start` and `npm run
// dev`; the tests boot it the same way): applies pending migrations, creates
// the services, serves every request through the HTTP edge (http/edge.ts)
// and starts the workers; Next.js is loaded with the first page request. The workers: mail delivery
// with its retries and purge, the hourly pruning of sessions, rate-limit
// counters and security events, the batched storing of security events, and
// the runtime metrics when METRICS_TOKEN is set.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Config } from "@/env";
import { hugePagesWarning, readHugePagesSetting } from "./auth/huge-pages";
import { warmUpPasswordHashing } from "./auth/password";
import { setBootedApp } from "./booted-app";
import { closeDb } from "./db/client";
import { migrate } from "./db/migrate";
import { startWalCheckpoints } from "./db/wal-checkpoints";
import { createEdge, type PageHandler } from "./http/edge";
import { startRuntimeMetrics, stopRuntimeMetrics } from "./http/runtime-metrics";
import { jsonApis } from "./json-apis";
import { logger } from "./logger";
import { createServices, type Services } from "./services/service-container";
import { startSessionPruning } from "./services/session-pruning";

export type BootOptions = {
  /** Next.js in development mode (hot reload, /dev/mailbox). */
  dev?: boolean;
  /** A port instead of PORT; 0 picks a free one (tests). */
  port?: number;
  /** The project folder holding the Next.js app and its build; the working directory by default. */
  dir?: string;
};

export type RunningApp = {
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  services: Services;
  /** Stops taking requests, lets those under way finish, stops the workers and stores queued security events. */
  close(): Promise<void>;
};

/** How long close() waits for requests under way before it drops their connections. */
const CLOSE_GRACE_MS = 10_000;

export async function boot(config: Config, options: BootOptions = {}): Promise<RunningApp> {
  await migrate(config.DATABASE_URL, { quiet: true });
  logger.info("database is up to date");
  const services = createServices(config);
  // Before Next.js starts: its instrumentation.ts refuses to run without it.
  setBootedApp({ config, services });
  // What close() undoes, last started first. Security events still queued
  // are stored once nothing else can note one.
  const stops: (() => unknown)[] = [() => setBootedApp(undefined), () => closeDb(services.db), () => services.securityEvents.flush()];
  let closing: Promise<void> | undefined;
  const stopAll = () =>
    (closing ??= (async () => {
      for (const stop of [...stops].reverse()) await stop();
    })());
  try {
    // Next.js loads with the first page request, not at start: loading it
    // blocks the event loop for half a second or more and holds a third of
    // the process's memory, and a process that only answers the JSON APIs
    // never needs it. A missing production build still stops the start.
    if (!options.dev) assertProductionBuild(options.dir ?? process.cwd());
    let pagesReady: Promise<Pages> | undefined;
    const pages: PageHandler = (req, res) => {
      pagesReady ??= preparePages(config, options);
      return pagesReady.then((next) => next.handle(req, res));
    };
    stops.push(async () => (await pagesReady?.catch(() => null))?.close());
    const server = http.createServer(createEdge({ appUrl: config.APP_URL, apis: jsonApis(services), pages, anyPageMethod: options.dev }));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? config.PORT, config.HOST, () => resolve());
    });
    stops.push(() => closeServer(server));

    stops.push(await startWalCheckpoints(services.db, config.DATABASE_URL));
    services.mail.start();
    stops.push(() => services.mail.stop());
    stops.push(startSessionPruning(services.db, config));
    if (config.METRICS_TOKEN) {
      startRuntimeMetrics();
      stops.push(stopRuntimeMetrics);
    }
    // A broken argon2 install stops the start here, with a message, rather than failing log-ins.
    await warmUpPasswordHashing();
    const hugePages = hugePagesWarning(readHugePagesSetting());
    if (hugePages) logger.warn(hugePages);
    if (!config.RESEND_API_KEY && config.NODE_ENV === "production") {
      logger.warn("RESEND_API_KEY is not set: no mail is sent, and none is kept (set it to send mail).");
    } else if (!config.RESEND_API_KEY) {
      logger.info("RESEND_API_KEY is not set: mail is kept for /dev/mailbox and its links printed here.");
    }
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(":") ? `[${address}]` : address;
    return { url: `http://${host}:${port}`, services, close: stopAll };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

type Pages = { handle: PageHandler; close(): Promise<void> };

function assertProductionBuild(dir: string): void {
  if (!fs.existsSync(path.join(dir, ".next", "BUILD_ID"))) {
    throw new Error(`no production build in ${dir} (.next/BUILD_ID is missing): run npm run build first`);
  }
}

/** Loads and prepares Next.js: its request handler, and how to close it, once it can serve pages. */
async function preparePages(config: Config, options: BootOptions): Promise<Pages> {
  const started = performance.now();
  const { default: next } = await import("next");
  const pages = next({ dev: options.dev ?? false, dir: options.dir, hostname: config.HOST, port: config.PORT });
  await pages.prepare();
  logger.info(`Next.js loaded for the first page request in ${Math.round(performance.now() - started)} ms`);
  return { handle: pages.getRequestHandler(), close: () => pages.close() };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
