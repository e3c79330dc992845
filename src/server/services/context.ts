// What every service needs, built once per process (or per test).
import type { Config } from "@/env";
import { createDb, type Db } from "../db/client";
import { RateLimits } from "../auth/rate-limits";
import { MailDelivery } from "../mail/outbox";
import { serverSecret } from "../db/server-secrets";

export type Services = {
  db: Db;
  config: Config;
  rateLimits: RateLimits;
  mail: MailDelivery;
  /** The key that signs device cookies (auth/device-cookie.ts), read from the database once. */
  deviceKey: () => Promise<Buffer>;
};

/**
 * Where a request came from, recorded on sessions and used by rate limits;
 * `deviceCookie` is the browser's device cookie as sent (auth/device-cookie.ts).
 */
export type RequestMeta = { ip: string | null; userAgent: string | null; deviceCookie: string | null };

export function createServices(
  config: Config,
  db: Db = createDb(config.DATABASE_URL, { sqliteSynchronous: config.SQLITE_SYNCHRONOUS }),
  options: { mailSendTimeoutMs?: number } = {},
): Services {
  let deviceKey: Promise<Buffer> | undefined;
  return {
    db,
    config,
    rateLimits: new RateLimits(db),
    mail: new MailDelivery(db, config, options.mailSendTimeoutMs),
    deviceKey: () => {
      deviceKey ??= serverSecret(db, "device-cookie");
      deviceKey.catch(() => (deviceKey = undefined)); // a database away: asked again next time
      return deviceKey;
    },
  };
}

const holder = globalThis as unknown as { __accountsServices?: Services };

/**
 * The process's one set of services: the server entry and the Next.js pages
 * of the same process share it (one connection pool, one mail worker). Kept
 * on globalThis so that development reloads reuse it too.
 */
export function sharedServices(create: () => Services): Services {
  holder.__accountsServices ??= create();
  return holder.__accountsServices;
}
