// Rate limits, counted in the database so that every app instance shares
// them (rate-limiter-flexible over our own one-statement store,
// db/rate-limit-store.ts). The budgets themselves are RATE_LIMITS in
// shared/policy.ts.
import { RateLimiterRes } from "rate-limiter-flexible";
import { DAY, type LimitName, RATE_LIMITS } from "@/shared/policy";
import { AppError } from "../app-error";
import type { Db } from "../db/client";
import type { Write } from "../db/driver-statements";
import {
  type Budget,
  consumeEach,
  giveBackEach,
  giveBackWrite,
  RateLimiterSql,
  settleEach,
  type TakenRow,
  takeWrite,
} from "../db/rate-limit-store";
import { clientAddressKey } from "./client-address-key";

/** Spent windows a process remembers having marked, at most. */
const MARKS_REMEMBERED = 10_000;

/** Budgets that count an address (or an account): their refusals concern that account. The others count a client. */
const COUNTS_AN_ADDRESS: ReadonlySet<LimitName> = new Set([
  "loginFailuresPerAccountAndClient",
  "loginFailuresPerAccount",
  "loginFailuresPerDevice",
  "loginFailuresPerDeviceDaily",
  "registerPerEmail",
  "resendVerificationPerEmail",
  "passwordResetPerEmail",
]);

/** Requests that count against a limit: per email and per client address. */
type Action = "register" | "resendVerification" | "passwordReset";

/** Who asks: the client address, and its User-Agent (kept with a limit's first refusal). */
export type Client = { ip: string | null; userAgent?: string | null };

/** Who makes a password attempt: the account's address, the client, and the device id when its browser is known to the account. */
export type PasswordAttempt = Client & { email: string; device: string | null };

/**
 * A budget refused a request for the first time in its window: reported once
 * per window, however many refusals follow (a flood must not make the server
 * write an event per refused request). `email` is the address the request
 * named, when the budget counts addresses; null when it counts clients.
 */
export type LimitReached = { limit: LimitName; email: string | null; client: Client };

/** Points taken for one password attempt, to give back when it succeeds or could not run. */
export class Reservation {
  private given = false;

  constructor(
    private readonly db: Db,
    private readonly budgets: Budget[],
  ) {}

  /** Gives the points back; once only, and not after a write that gave them back (givenBackBy). */
  async giveBack(): Promise<void> {
    if (this.given) return;
    await giveBackEach(this.db, this.budgets);
    this.given = true;
  }

  /**
   * The give-back as a write, to commit with another bookkeeping write (a
   * log-in's new session: one commit instead of two); null once given back.
   * Call `done` when that write has committed.
   */
  givenBackBy(): { write: Write; done: () => void } | null {
    if (this.given) return null;
    const done = () => {
      this.given = true;
    };
    return { write: giveBackWrite(this.db, this.budgets), done };
  }
}

export class RateLimits {
  private readonly limiters: Record<LimitName, RateLimiterSql>;
  /** One point per spent budget and window: whoever takes it reports the limit reached. */
  private readonly reachedMarks: RateLimiterSql;
  /** The windows this process has marked already (budget and key → the window's end), so a flood costs no statement more. */
  private readonly markedHere = new Map<string, number>();

  constructor(
    private readonly db: Db,
    /** Told of each budget's first refusal in a window (services/security-events.ts records it). */
    private readonly onLimitReached: (reached: LimitReached) => void = () => undefined,
    /** How many marked windows this process remembers, at most. */
    private readonly marksRemembered = MARKS_REMEMBERED,
  ) {
    this.limiters = Object.fromEntries(
      Object.entries(RATE_LIMITS).map(([name, limit]) => [name, new RateLimiterSql({ db, keyPrefix: name, ...limit })]),
    ) as Record<LimitName, RateLimiterSql>;
    this.reachedMarks = new RateLimiterSql({ db, keyPrefix: "limitReached", points: 1, duration: DAY });
  }

  /**
   * Takes one point from every budget of the attempt, atomically, before the
   * password is checked: of N parallel attempts, only as many as the budgets
   * hold go on to be checked. Refused (RATE_LIMITED) when any budget is spent;
   * a refused attempt gives its points back, since it checks nothing (parallel
   * right passwords beyond a budget must not spend it).
   */
  async reservePasswordAttempt(attempt: PasswordAttempt, taken?: TakenRow[]): Promise<Reservation> {
    return this.reserve(this.passwordBudgets(attempt), attempt.email, attempt, taken);
  }

  /**
   * reservePasswordAttempt's one statement, to run with a read in one round
   * trip (a log-in's login row: db/login-statements.ts); its rows then go to
   * reservePasswordAttempt as `taken`, for the same attempt.
   */
  passwordAttemptTake(attempt: PasswordAttempt): Write {
    return takeWrite(this.db, this.budgets(this.passwordBudgets(attempt)));
  }

  private passwordBudgets(attempt: PasswordAttempt): [LimitName, string][] {
    return attempt.device
      ? [
          ["loginFailuresPerDevice", attempt.device],
          ["loginFailuresPerDeviceDaily", attempt.device],
        ]
      : [
          ["loginFailuresPerAccountAndClient", `${attempt.email} ${ipKey(attempt.ip)}`],
          ["loginFailuresPerClient", ipKey(attempt.ip)],
          ["loginFailuresPerAccount", attempt.email],
        ];
  }

  /**
   * reservePasswordAttempt for a second-factor code (TOTP or recovery) of an
   * account, whatever the ticket; `device`: the browser finished this
   * account's second step before (device-cookie.ts), and draws on its own budget.
   */
  reserveSecondFactorAttempt(userId: string, client: Client, device: string | null = null): Promise<Reservation> {
    return this.reserve(
      device
        ? [
            ["secondFactorFailuresPerDevice", device],
            ["secondFactorFailuresPerDeviceDaily", device],
            ["secondFactorFailuresPerAccountKnownDevices", userId],
          ]
        : [["secondFactorFailuresPerAccount", userId]],
      null,
      client,
    );
  }

  /** For the registration password given at a confirmation link: that link's own budget. */
  reserveLinkPasswordAttempt(linkId: string, client: Client): Promise<Reservation> {
    return this.reserve([["registrationPasswordPerLink", linkId]], null, client);
  }

  /** For the current password a logged-in session gives to confirm a change: that session's budget only. */
  reserveSessionPasswordAttempt(sessionId: string, client: Client): Promise<Reservation> {
    return this.reserve([["passwordFailuresPerSession", sessionId]], null, client);
  }

  /** The same for a code a logged-in session gives as proof of a sensitive change: that session's budget only. */
  reserveSessionSecondFactorAttempt(sessionId: string, client: Client): Promise<Reservation> {
    return this.reserve([["secondFactorFailuresPerSession", sessionId]], null, client);
  }

  /** `taken`: the rows of this reservation's statement, run already (passwordAttemptTake). */
  private async reserve(budgets: [LimitName, string][], email: string | null, client: Client, taken?: TakenRow[]): Promise<Reservation> {
    const results = taken ? settleEach(this.budgets(budgets), taken) : await this.take(budgets);
    // Fails closed: without its counters, no password is checked (the one statement took no point).
    const storeFailure = results.find((r) => r.status === "rejected" && !isLimitReached(r));
    if (storeFailure) throw (storeFailure as PromiseRejectedResult).reason;
    // A budget over its limit still counted the point (the store adds, then compares).
    const reservation = new Reservation(this.db, this.budgets(budgets));
    const waitMs = Math.max(0, ...results.map((r) => (isLimitReached(r) ? r.reason.msBeforeNext : 0)));
    if (results.some(isLimitReached)) {
      await this.reportFirstRefusals(budgets, results, email, client);
      await reservation.giveBack();
      throw rateLimited(waitMs);
    }
    return reservation;
  }

  /** One point from each budget, in one statement (db/rate-limit-store.ts), settled per budget. */
  private take(budgets: [LimitName, string][]): Promise<PromiseSettledResult<RateLimiterRes>[]> {
    return consumeEach(this.db, this.budgets(budgets));
  }

  private budgets(budgets: [LimitName, string][]): Budget[] {
    return budgets.map(([name, key]) => ({ limiter: this.limiters[name], key }));
  }

  /**
   * Reports each budget this request found spent, once per window: a mark
   * (one point, lasting until the budget's window ends) is taken in the same
   * table, and only the request that takes it reports, on whichever instance.
   */
  private async reportFirstRefusals(
    budgets: [LimitName, string][],
    results: PromiseSettledResult<unknown>[],
    /** The account's address the budgets concern, if any (never stored for an address without an account). */
    email: string | null,
    client: Client,
  ): Promise<void> {
    await Promise.all(
      budgets.map(async ([limit, key], i) => {
        const result = results[i]!;
        if (!isLimitReached(result)) return;
        const mark = `${limit} ${key}`;
        const windowEnds = Date.now() + result.reason.msBeforeNext;
        // The same window's end, give or take the clock's progress between two refusals.
        if (Math.abs((this.markedHere.get(mark) ?? 0) - windowEnds) < 2000) return;
        this.remember(mark, windowEnds);
        const customDuration = Math.max(1, Math.ceil(result.reason.msBeforeNext / 1000));
        const first = await this.reachedMarks.consume(mark, 1, { customDuration }).then(
          () => true,
          () => false, // marked already (or the store failing: nothing is reported rather than too much)
        );
        if (first)
          this.onLimitReached({
            limit,
            email: COUNTS_AN_ADDRESS.has(limit) ? email : null,
            client: { ip: client.ip, userAgent: client.userAgent ?? null },
          });
      }),
    );
  }

  private remember(mark: string, windowEnds: number): void {
    if (this.markedHere.size >= this.marksRemembered) {
      const now = Date.now();
      for (const [k, ends] of this.markedHere) if (ends <= now) this.markedHere.delete(k);
      if (this.markedHere.size >= this.marksRemembered) return; // a flood from very many clients: the table's marks decide
    }
    this.markedHere.set(mark, windowEnds);
  }

  /** Counts one request of a client, before its checks; throws RATE_LIMITED past the client's limit. */
  consumeClient(action: Action, client: Client): Promise<void> {
    return this.consumeAll([[`${action}PerIp`, ipKey(client.ip)]], null, client);
  }

  /**
   * Counts one request for an address, once the request is otherwise
   * acceptable: one refused anyway (a common password, a bad teacher token)
   * must not spend an address's budget, or a few such requests an hour would
   * keep its owner from registering it. RATE_LIMITED past the limit.
   */
  consumeAddress(action: Action, email: string, client: Client): Promise<void> {
    return this.consumeAll([[`${action}PerEmail`, email]], email, client);
  }

  /** Counts a point on each budget; RATE_LIMITED past any of them (a store failure fails closed). */
  private async consumeAll(budgets: [LimitName, string][], email: string | null, client: Client): Promise<void> {
    const results = await this.take(budgets);
    const storeFailure = results.find((r) => r.status === "rejected" && !isLimitReached(r));
    if (storeFailure) throw (storeFailure as PromiseRejectedResult).reason;
    await this.reportFirstRefusals(budgets, results, email, client);
    if (results.some(isLimitReached)) {
      throw rateLimited(Math.max(0, ...results.map((r) => (isLimitReached(r) ? r.reason.msBeforeNext : 0))));
    }
  }

  /** Counts a passkey log-in started from a client (each stores a challenge); RATE_LIMITED past the limit. */
  consumePasskeyLogIn(client: Client): Promise<void> {
    return this.consumeAll([["passkeyLogInsPerIp", ipKey(client.ip)]], null, client);
  }

  /**
   * Reserves a request to change a user's address to `newEmail` (RATE_LIMITED
   * past either limit), before its password is checked; the caller gives the
   * points back when the password is wrong: wrong guesses spend the session's
   * own budget, and must not block the new address or the user's changes.
   */
  reserveEmailChange(userId: string, newEmail: string, client: Client): Promise<Reservation> {
    return this.reserve(
      [
        ["emailChangePerUser", userId],
        ["emailChangePerAddress", newEmail],
      ],
      null,
      client,
    );
  }

  /** Forgets an account's failures from unknown clients (after its password was reset by mail). */
  async forgetAccountFailures(email: string): Promise<void> {
    await this.limiters.loginFailuresPerAccount.delete(email);
    await this.reachedMarks.delete(`loginFailuresPerAccount ${email}`);
    this.markedHere.delete(`loginFailuresPerAccount ${email}`);
  }

  /**
   * Counts one request for mail to an address (a reset link, a fresh
   * confirmation). Past the client's limit it throws RATE_LIMITED; past the
   * address's limit it returns false: the caller answers as usual and sends
   * nothing, so others' requests cannot lock an owner out, and the answer
   * says nothing about the address.
   */
  async consumeMailRequest(
    action: Exclude<Action, "register">,
    email: string,
    from: Client,
    /**
     * "silently": for mail a request sends on its own (a log-in's fresh
     * confirmation link): the client's budget is one of its own
     * (confirmationOnLogInPerIp), and past either limit the mail is not sent
     * and nothing is thrown. A point off the client's resend budget, or a
     * RATE_LIMITED, would tell the client that it was sent.
     */
    mode: "answer" | "silently" = "answer",
  ): Promise<boolean> {
    const silently = mode === "silently";
    const budgets: [LimitName, string][] = [
      [`${action}PerEmail`, email],
      [silently ? "confirmationOnLogInPerIp" : `${action}PerIp`, ipKey(from.ip)],
    ];
    const results = await this.take(budgets);
    const [address, client] = results as [PromiseSettledResult<RateLimiterRes>, PromiseSettledResult<RateLimiterRes>];
    for (const result of results) {
      if (result.status === "rejected" && !(result.reason instanceof RateLimiterRes)) throw result.reason;
    }
    await this.reportFirstRefusals(budgets, results, email, from);
    if (client.status === "rejected") {
      if (silently) return false;
      throw rateLimited((client.reason as RateLimiterRes).msBeforeNext);
    }
    return address.status === "fulfilled";
  }
}

function isLimitReached(result: PromiseSettledResult<unknown>): result is PromiseRejectedResult & { reason: RateLimiterRes } {
  return result.status === "rejected" && result.reason instanceof RateLimiterRes;
}

/** A client's budget key: its address, an IPv6 client's /64 (client-address-key.ts). */
const ipKey = clientAddressKey;

function rateLimited(waitMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError("RATE_LIMITED", `Too many attempts. Try again in ${seconds} seconds.`, {
    retryAfterSeconds: seconds,
  });
}
