// What every service needs, built once per process (or per test).
import type { Config } from "@/env";
import { RateLimits } from "../auth/rate-limits";
import { createDb, type Db } from "../db/client";
import { type ServerSecretName, serverSecret } from "../db/server-secrets";
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
  /** The key that seals authenticator-app secrets at rest (auth/totp.ts), read from the database once. */
  totpKey: () => Promise<Buffer>;
};

/** A server secret read from the database on first use, and again after a failed read (a database away). */
function secretOnce(db: Db, name: ServerSecretName): () => Promise<Buffer> {
  let key: Promise<Buffer> | undefined;
  return () => {
    key ??= serverSecret(db, name);
    key.catch(() => (key = undefined));
    return key;
  };
}

export function createServices(
  config: Config,
  db: Db = createDb(config.DATABASE_URL, { sqliteSynchronous: config.SQLITE_SYNCHRONOUS }),
  options: { mailSendTimeoutMs?: number; logger?: Logger } = {},
): Services {
  const securityEvents = new SecurityEvents(db, options.logger);
  return {
    db,
    config,
    securityEvents,
    rateLimits: new RateLimits(db, (reached) => noteLimitReached(securityEvents, reached)),
    mail: new MailDelivery(db, config, (row) => composeQueuedMail(db, config, row), options.mailSendTimeoutMs),
    deviceKey: secretOnce(db, "device-cookie"),
    totpKey: secretOnce(db, "totp-seal"),
  };
}
