// What every service needs, built once per process (or per test).
import type { Config } from "@/env";
import { RateLimits } from "../auth/rate-limits";
import { createDb, type Db } from "../db/client";
import { serverSecret } from "../db/server-secrets";
import type { Logger } from "../logger";
import { MailDelivery } from "../mail/outbox";
import { composeQueuedMail } from "./queued-mail";
import { noteLimitReached, SecurityEvents } from "./security-events";

export type Services = {
  db: Db;
  config: Config;
  rateLimits: RateLimits;
  mail: MailDelivery;
  /** Security events: log lines and rows for admins (services/security-events.ts). */
  securityEvents: SecurityEvents;
  /** The key that signs device cookies (auth/device-cookie.ts), read from the database once. */
  deviceKey: () => Promise<Buffer>;
};

export function createServices(
  config: Config,
  db: Db = createDb(config.DATABASE_URL, { sqliteSynchronous: config.SQLITE_SYNCHRONOUS }),
  options: { mailSendTimeoutMs?: number; logger?: Logger } = {},
): Services {
  let deviceKey: Promise<Buffer> | undefined;
  const securityEvents = new SecurityEvents(db, options.logger);
  return {
    db,
    config,
    securityEvents,
    rateLimits: new RateLimits(db, (reached) => noteLimitReached(securityEvents, reached)),
    mail: new MailDelivery(db, config, (row) => composeQueuedMail(db, config, row), options.mailSendTimeoutMs),
    deviceKey: () => {
      deviceKey ??= serverSecret(db, "device-cookie");
      deviceKey.catch(() => (deviceKey = undefined)); // a database away: asked again next time
      return deviceKey;
    },
  };
}
