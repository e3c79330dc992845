// Security events (ASVS V16): each is one JSON log line (pino) and, when it
// concerns an account, one SecurityEvent row, so that an admin sees a user's
// recent events in the dashboard. Events of no account (a log-in to an
// unknown address, a client's own limit, a refusal without a session) are
// only logged. Never a secret in either: no password, token, hash or cookie
// is ever passed in, of the request only its address and User-Agent are
// kept, and a log line never holds an email address.
//
// Two ways in:
// - record(event, tx): awaited, written inside the caller's transaction (a
//   reset, a revocation, an email change), so the change and its event
//   commit together. The log line is written with the row, before the
//   commit: make it the transaction's last statement.
// - note(event): for hot and anonymous paths (log-ins, limits, reset
//   requests, refusals). It only queues; a batch is stored a moment later
//   (FLUSH_MS, 200 ms), off the request path, with one prepared statement on
//   the driver (db/security-event-statements.ts). That keeps the log-in path
//   at no extra statement, and an address is looked up there, not in the
//   request: a request costs the same whatever the address, and an address
//   no account holds is dropped, never stored or logged. Events still queued
//   when the process dies are lost (at most FLUSH_MS of them).
//
// Volume: an attacker must not make us write without bound. Failures are
// bounded by the log-in budgets, limit hits are noted once per window
// (rate-limits.ts), reset requests only while the address's budget lasts;
// refusals, which nothing else bounds, are throttled here per user (or per
// client address without a session).
import { randomUUID } from "node:crypto";
import { type SecurityEventDetails, type SecurityEventType, WARNING_EVENTS } from "@/shared/security-events";
import type { LimitReached } from "../auth/rate-limits";
import type { Db } from "../db/client";
import { isDatabaseUnavailable } from "../db/errors";
import { letRequestsIn } from "../db/let-requests-in";
import { insertSecurityEvents } from "../db/security-event-statements";
import { deleteSecurityEventsByIds, findSecurityEventIdsBefore, insertSecurityEvent } from "../db/security-events";
import { findLoginOwnersByEmails } from "../db/users";
import { type Logger, logger as processLogger } from "../logger";

type Tx = Pick<Db, "securityEvent" | "login">;

export type SecurityEventInput = {
  type: SecurityEventType;
  /** The account concerned, when known. */
  userId?: string | null;
  /**
   * The address concerned. With userId: stored as given (the account's
   * address, or the new one it is changing to). Without: the account that
   * holds it is looked up, and an address no account holds is dropped.
   */
  email?: string | null;
  /** Another user acting on the account (an admin). */
  actorId?: string | null;
  /** The request: only its client address and User-Agent are kept (a RequestMeta fits). */
  client?: { ip: string | null; userAgent?: string | null } | null;
  details?: SecurityEventDetails;
};

type EventRow = {
  id: string;
  type: string;
  userId: string | null;
  email: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: string | null;
  createdAt: Date;
};

type StoredRow = EventRow & { userId: string };

/** A row and the details it was made from (for the log line). */
type Pending = { row: EventRow; details: SecurityEventDetails };

/** Events nothing else bounds: at most THROTTLE.events per user (or client) per window. */
const THROTTLED: ReadonlySet<SecurityEventType> = new Set(["authorization.refused"]);
export const THROTTLE = { events: 10, windowMs: 10 * 60_000, maxKeys: 10_000 };

const FLUSH_MS = 200;
const BATCH = 200;
const USER_AGENT_CHARS = 256;
const DETAIL_CHARS = 200;
/** Rows per prune statement: on SQLite each statement holds the event loop. */
const PRUNE_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

/** Small, flat and bounded: primitives only, strings cut, at most 12 keys. */
function boundedDetails(details: SecurityEventDetails | undefined): SecurityEventDetails {
  const out: SecurityEventDetails = {};
  for (const [key, value] of Object.entries(details ?? {}).slice(0, 12)) {
    if (value === null || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) out[key] = value;
    else if (typeof value === "string") out[key] = value.slice(0, DETAIL_CHARS);
  }
  return out;
}

let lastStamp = 0;

/**
 * Now, but later than the process's previous event (by a millisecond when
 * two fall in the same one), so that the events of one request list in the
 * order they happened. A clock set back more than a second is followed.
 */
function stamp(): Date {
  const now = Date.now();
  lastStamp = now > lastStamp || lastStamp - now > 1000 ? now : lastStamp + 1;
  return new Date(lastStamp);
}

function pendingOf(event: SecurityEventInput): Pending {
  const details = boundedDetails(event.details);
  return {
    details,
    row: {
      id: randomUUID(),
      type: event.type,
      userId: event.userId ?? null,
      email: event.email ?? null,
      actorId: event.actorId ?? null,
      ip: event.client?.ip?.slice(0, 64) ?? null,
      userAgent: event.client?.userAgent?.slice(0, USER_AGENT_CHARS) ?? null,
      details: Object.keys(details).length ? JSON.stringify(details) : null,
      createdAt: stamp(),
    },
  };
}

/** Gives rows that name an address but no user the account holding it; an address no account holds is dropped. */
async function resolveAccounts(db: Pick<Db, "login">, rows: EventRow[]): Promise<void> {
  const open = rows.filter((row) => !row.userId && row.email);
  if (!open.length) return;
  const owners = await findLoginOwnersByEmails(db, [...new Set(open.map((row) => row.email!))]);
  for (const row of open) {
    row.userId = owners.get(row.email!) ?? null;
    if (!row.userId) row.email = null;
  }
}

/** The rows that concern an account: the others are only logged. */
function storable(rows: EventRow[]): StoredRow[] {
  return rows.filter((row): row is StoredRow => row.userId !== null);
}

/** Per key, a window of at most THROTTLE.events; how many were left out is told with the next one recorded. */
class Throttle {
  private readonly windows = new Map<string, { endsAt: number; count: number; leftOut: number }>();

  /** null: leave this one out; otherwise how many were left out in the key's previous window. */
  admit(key: string, now = Date.now()): number | null {
    const window = this.windows.get(key);
    if (window && window.endsAt > now) {
      if (window.count < THROTTLE.events) {
        window.count++;
        return 0;
      }
      window.leftOut++;
      return null;
    }
    if (!window && this.windows.size >= THROTTLE.maxKeys) {
      for (const [k, w] of this.windows) if (w.endsAt <= now) this.windows.delete(k);
      // Still full: a flood from very many clients at once; their events are left out.
      if (this.windows.size >= THROTTLE.maxKeys) return null;
    }
    this.windows.set(key, { endsAt: now + THROTTLE.windowMs, count: 1, leftOut: 0 });
    return window?.leftOut ?? 0;
  }
}

export class SecurityEvents {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private storing: Promise<void> = Promise.resolve();
  private readonly throttle = new Throttle();

  constructor(
    private readonly db: Db,
    private readonly log: Logger = processLogger,
  ) {}

  /**
   * Records an event now: inside the caller's transaction when `tx` is one,
   * so it commits or rolls back with the change. Throws what the database
   * throws (the caller's transaction then fails, as for any of its writes).
   */
  async record(event: SecurityEventInput, tx: Tx = this.db): Promise<void> {
    const pending = pendingOf(event);
    await resolveAccounts(tx, [pending.row]);
    const [row] = storable([pending.row]);
    if (row) await insertSecurityEvent(tx, row);
    this.writeLine(pending);
  }

  /** Queues an event, stored (and logged) a moment later off the request path. Never throws. */
  note(event: SecurityEventInput): void {
    if (THROTTLED.has(event.type)) {
      const key = `${event.type} ${event.userId ? `user ${event.userId}` : `client ${event.client?.ip ?? "unknown"}`}`;
      const leftOut = this.throttle.admit(key);
      if (leftOut === null) return;
      if (leftOut) event = { ...event, details: { ...event.details, leftOutBefore: leftOut } };
    }
    this.queue.push(pendingOf(event));
    if (this.queue.length >= BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref(); // never keeps a stopping process alive
    }
  }

  /** Stores (and logs) everything noted so far; resolves once that is done or given up. Never rejects. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.storing = this.storing
      .then(() => this.storeQueued())
      .catch((error: unknown) => this.log.warn({ err: error }, "storing security events failed"));
    return this.storing;
  }

  private async storeQueued(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      const rows = batch.map((p) => p.row);
      try {
        await resolveAccounts(this.db, rows);
        const data = storable(rows);
        await insertSecurityEvents(this.db, data);
      } catch (error) {
        await this.storeOneByOne(storable(rows), error);
      }
      for (const pending of batch) this.writeLine(pending);
    }
  }

  /**
   * A batch was refused: the database is away (the events are lost, their
   * log lines stay), or one row was (its user deleted meanwhile).
   */
  private async storeOneByOne(rows: StoredRow[], error: unknown): Promise<void> {
    if (isDatabaseUnavailable(error)) {
      this.log.warn({ err: error }, "security events not stored: database unavailable");
      return;
    }
    for (const row of rows) {
      await insertSecurityEvent(this.db, row).catch((rowError: unknown) => {
        this.log.warn({ err: rowError, securityEvent: { id: row.id, type: row.type } }, "security event not stored");
      });
    }
  }

  /** The log line: what, who, from where; never the address. */
  private writeLine({ row, details }: Pending): void {
    this.log[WARNING_EVENTS.has(row.type) ? "warn" : "info"](
      {
        securityEvent: {
          id: row.id,
          type: row.type,
          at: row.createdAt.toISOString(),
          userId: row.userId,
          actorId: row.actorId,
          ip: row.ip,
          userAgent: row.userAgent,
          details,
        },
      },
      `security event ${row.type}`,
    );
  }
}

/**
 * A budget's first refusal in its window. The account-wide budget for unknown
 * browsers is a lockout (they are all refused for the day); the others limit
 * one client, one browser or one address.
 */
export function noteLimitReached(events: SecurityEvents, reached: LimitReached): void {
  events.note({
    type: reached.limit === "loginFailuresPerAccount" ? "login.locked" : "rate_limit.hit",
    email: reached.email,
    client: reached.client,
    details: { limit: reached.limit },
  });
}

/** Deletes events older than the retention, in batches; returns how many. */
export async function pruneSecurityEvents(db: Db, retentionDays: number, now = new Date(), batch = PRUNE_BATCH): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  let deleted = 0;
  for (;;) {
    const started = performance.now();
    const old = await findSecurityEventIdsBefore(db, before, batch);
    if (old.length === 0) return deleted;
    deleted += await deleteSecurityEventsByIds(db, old);
    if (old.length < batch) return deleted;
    await letRequestsIn(started);
  }
}
