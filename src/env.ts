// Configuration, validated once with Zod. A bad value stops the process with
// a message naming the variable (see docs/configuration.md).
import { z } from "zod";
import { DEFAULT_TRUSTED_PROXIES, proxyPeers } from "./server/auth/proxy-peers";
import { DEFAULT_DATABASE_URL, databaseKind } from "./server/db/database-url";
import { type Bounded, RETENTION_DAYS, SESSION_LIFETIME } from "./shared/policy";
import { MFA_ROLES } from "./shared/second-factor-policy";

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const retentionDays = (days: Bounded) => integer(days.min, days.max).default(days.default);

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine(
      (url) => {
        try {
          databaseKind(url);
          return true;
        } catch {
          return false;
        }
      },
      { message: "must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)" },
    ),
  APP_URL: z
    .url({ protocol: /^https?$/ })
    .default("http://localhost:3000")
    .transform((url) => url.replace(/\/+$/, "")),
  PORT: z.preprocess(emptyAsUndefined, integer(1, 65535).default(3000)),
  HOST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[^\s/]+$/, { message: "must be a host name or address" })
      .default("0.0.0.0"),
  ),
  /** Unset: /api/metrics does not exist. Long enough not to be guessed. */
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(32, { message: "must be at least 32 characters" }).optional()),
  SESSION_TTL_SECONDS: z.preprocess(
    emptyAsUndefined,
    integer(SESSION_LIFETIME.minSeconds, SESSION_LIFETIME.maxSeconds).default(SESSION_LIFETIME.defaultSeconds),
  ),
  /** How SQLite commits (db/client.ts): "full" waits for the disk, so a confirmed change survives a power cut. */
  SQLITE_SYNCHRONOUS: z.preprocess(emptyAsUndefined, z.enum(["full", "normal"]).default("full")),
  /** How many reverse-proxy hops in front of the app to trust for X-Forwarded-For (0: none). */
  TRUST_PROXY: z.preprocess(emptyAsUndefined, integer(0, 10).default(0)),
  /** The peers whose X-Forwarded-For TRUST_PROXY reads: addresses and CIDR ranges (default: loopback and private networks). */
  TRUSTED_PROXIES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default(DEFAULT_TRUSTED_PROXIES)
      .superRefine((list, ctx) => {
        try {
          proxyPeers(list);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      }),
  ),
  RESEND_API_KEY: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  /** Days a delivered mail's row (kind, recipient, time; no body) is kept before it is purged. */
  MAIL_RETENTION_DAYS: z.preprocess(emptyAsUndefined, retentionDays(RETENTION_DAYS.mail)),
  /** Days a security event's row is kept before it is pruned (the log lines are the log's to keep). */
  SECURITY_EVENT_RETENTION_DAYS: z.preprocess(emptyAsUndefined, retentionDays(RETENTION_DAYS.securityEvents)),
  /** Seconds between the pruning rounds (expired sessions, spent rate-limit counters, old security events); one also runs at start. */
  PRUNE_INTERVAL_SECONDS: z.preprocess(emptyAsUndefined, integer(10, 86_400).default(3600)),
  /** Roles that need a second factor in their session to act on other users; empty: nobody. */
  MFA_REQUIRED_FOR: z
    .string()
    .default("admin")
    .transform((list) =>
      list
        .split(",")
        .map((role) => role.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(MFA_ROLES, { message: `list roles among ${MFA_ROLES.join(", ")}, separated by commas` }))),
  RESEND_BASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  EMAIL_FROM: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(?:[^<>]+<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
        message: 'must be an address, e.g. "Accounts <no-reply@example.org>"',
      })
      .default("Accounts <no-reply@localhost>"),
  ),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses an environment; throws a ConfigError naming every bad variable. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}

let cached: Config | undefined;

// The entry's configuration lives on globalThis, like the booted app that sets
// it (server/booted-app.ts), since Next.js bundles its own copy of this module.
const BOOTED_CONFIG = Symbol.for("accounts.booted-config");
type ConfigHolder = { [BOOTED_CONFIG]?: Config };

/** Set by the server entry (server/booted-app.ts); undefined when it stops. */
export function setBootedConfig(booted: Config | undefined): void {
  (globalThis as ConfigHolder)[BOOTED_CONFIG] = booted;
}

/**
 * The process configuration: the one the server entry started with
 * (server/boot.ts), else the environment's, parsed on first use.
 */
export function config(): Config {
  const booted = (globalThis as ConfigHolder)[BOOTED_CONFIG];
  if (booted) return booted;
  cached ??= parseConfig(process.env);
  return cached;
}
