// Rate limits, counted in the database (rate-limiter-flexible's Prisma store)
// so that every app instance shares them.
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../app-error";
import type { Db } from "../db/client";
import { readFailureBudgets, type BudgetRow } from "../db/login-statements";

const MINUTE = 60;
const HOUR = 3600;

/** The limits, as data: docs/errors.md and the tests read the same numbers. */
export const RATE_LIMITS = {
  loginFailuresPerEmail: { points: 10, duration: 15 * MINUTE },
  loginFailuresPerIp: { points: 50, duration: 15 * MINUTE },
  registerPerEmail: { points: 5, duration: HOUR },
  registerPerIp: { points: 20, duration: HOUR },
  resendVerificationPerEmail: { points: 5, duration: HOUR },
  resendVerificationPerIp: { points: 20, duration: HOUR },
  passwordResetPerEmail: { points: 5, duration: HOUR },
  passwordResetPerIp: { points: 20, duration: HOUR },
} as const;

type LimitName = keyof typeof RATE_LIMITS;

/** The log-in failure budgets, always in this order: per address, per client. */
const LOGIN_BUDGETS = ["loginFailuresPerEmail", "loginFailuresPerIp"] as const;
const loginSubjects = (email: string, ip: string | null) => [email, ipKey(ip)] as const;

/** Requests that count against a limit: per email and per client address. */
type Action = "register" | "resendVerification" | "passwordReset";

export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterPrisma>;

  constructor(private readonly db: Db) {
    this.limiters = Object.fromEntries(
      Object.entries(RATE_LIMITS).map(([name, limit]) => [
        name,
        new RateLimiterPrisma({ storeClient: db, tableName: "rateLimit", keyPrefix: name, ...limit }),
      ]),
    ) as Record<LimitName, RateLimiterPrisma>;
  }

  /** The store's keys of the two log-in failure budgets: per address, per client. */
  loginBudgetKeys(email: string, ip: string | null): readonly [string, string] {
    const [address, client] = loginSubjects(email, ip);
    return [this.limiters[LOGIN_BUDGETS[0]].getKey(address), this.limiters[LOGIN_BUDGETS[1]].getKey(client)];
  }

  /**
   * Refuses a log-in attempt while either failure budget is spent. Both
   * counters are read in one prepared statement (the store's own table and
   * keys; db/login-statements.ts).
   */
  async assertLoginAllowed(email: string, ip: string | null): Promise<void> {
    const keys = this.loginBudgetKeys(email, ip);
    this.assertWithinLoginBudgets(keys, await readFailureBudgets(this.db, keys));
  }

  /** assertLoginAllowed for budgets already read (log-in reads them with the login row). */
  assertWithinLoginBudgets(keys: readonly [string, string], rows: BudgetRow[]): void {
    const now = Date.now();
    let waitMs = 0;
    keys.forEach((key, i) => {
      const row = rows.find((r) => r.key === key);
      if (!row || row.expire == null || row.points < RATE_LIMITS[LOGIN_BUDGETS[i]!].points) return;
      // A window that has passed leaves a negative wait: allowed again.
      waitMs = Math.max(waitMs, row.expire.getTime() - now);
    });
    if (waitMs > 0) throw rateLimited(waitMs);
  }

  /** Counts a failed log-in against the address and the client. */
  async recordLoginFailure(email: string, ip: string | null): Promise<void> {
    const subjects = loginSubjects(email, ip);
    await Promise.all(LOGIN_BUDGETS.map((name, i) => this.limiters[name].consume(subjects[i]!).catch(ignoreRejection)));
  }

  /** Counts one request; throws RATE_LIMITED when it goes over a limit. */
  async consume(action: Action, email: string, ip: string | null): Promise<void> {
    const results = await Promise.allSettled([
      this.limiters[`${action}PerEmail`].consume(email),
      this.limiters[`${action}PerIp`].consume(ipKey(ip)),
    ]);
    let waitMs = 0;
    for (const result of results) {
      if (result.status === "fulfilled") continue;
      if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
      waitMs = Math.max(waitMs, result.reason.msBeforeNext);
    }
    if (waitMs > 0) throw rateLimited(waitMs);
  }

  /**
   * Counts one request for mail to an address (a reset link, a fresh
   * confirmation). Past the client's limit it throws RATE_LIMITED; past the
   * address's limit it returns false: the caller answers as usual and sends
   * nothing, so others' requests cannot lock an owner out, and the answer
   * says nothing about the address.
   */
  async consumeMailRequest(action: Exclude<Action, "register">, email: string, ip: string | null): Promise<boolean> {
    const [address, client] = await Promise.allSettled([
      this.limiters[`${action}PerEmail`].consume(email),
      this.limiters[`${action}PerIp`].consume(ipKey(ip)),
    ]);
    for (const result of [address, client]) {
      if (result.status === "rejected" && !(result.reason instanceof RateLimiterRes)) throw result.reason;
    }
    if (client.status === "rejected") throw rateLimited((client.reason as RateLimiterRes).msBeforeNext);
    return address.status === "fulfilled";
  }
}

function ipKey(ip: string | null): string {
  return ip ?? "unknown";
}

function ignoreRejection(reason: unknown): void {
  if (!(reason instanceof RateLimiterRes)) throw reason;
}

function rateLimited(waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError("TOO_MANY_REQUESTS", "RATE_LIMITED", `Too many attempts. Try again in ${seconds} seconds.`, {
    retryAfterSeconds: seconds,
  });
}
