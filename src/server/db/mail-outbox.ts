// The outbox table: mail to send, claimed and updated by the delivery worker
// (mail/outbox.ts), composed by services/queued-mail.ts.
import type { Db } from "./client";

type Outbox = Pick<Db, "outboxEmail">;

export type OutboxRow = Awaited<ReturnType<Db["outboxEmail"]["findMany"]>>[number];

/** Rows the worker is done with: purged once older than the retention. */
const HANDLED_STATUSES = ["sent", "kept", "unsent"] as const;

export async function insertOutboxMail(
  db: Outbox,
  row: { kind: string; to: string; userId: string | null; params: string | null; expiresAt: Date | null },
): Promise<void> {
  await db.outboxEmail.create({ data: row });
}

/** Deletes the rows to an address that name no user. */
export async function deleteUnownedMailTo(db: Outbox, address: string): Promise<void> {
  await db.outboxEmail.deleteMany({ where: { to: address, userId: null } });
}

/**
 * Deletes the pending mail of an account about to be replaced, queued since
 * `since`: to its address, and the confirmation to its pending address.
 * Returns how many rows went.
 */
export async function deletePendingMailOfAccount(db: Outbox, email: string, pendingEmail: string | null, since: Date): Promise<number> {
  const { count } = await db.outboxEmail.deleteMany({
    where: {
      status: "pending",
      createdAt: { gte: since },
      OR: [{ to: email }, ...(pendingEmail ? [{ to: pendingEmail, kind: "confirm-new-email" }] : [])],
    },
  });
  return count;
}

/** Up to `take` pending rows due at `now` and not claimed, oldest due first. */
export async function findDueMail(db: Db, now: Date, take: number): Promise<OutboxRow[]> {
  return db.outboxEmail.findMany({
    where: {
      status: "pending",
      nextAttemptAt: { lte: now },
      OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
    },
    orderBy: { nextAttemptAt: "asc" },
    take,
  });
}

/** Claims a pending row until `until`, unless another instance holds it; whether it did. */
export async function claimMail(db: Db, id: string, now: Date, until: Date): Promise<boolean> {
  const claimed = await db.outboxEmail.updateMany({
    where: { id, status: "pending", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    data: { lockedUntil: until },
  });
  return claimed.count === 1;
}

/** Up to `take` ids of handled rows sent before `before`. */
export async function findHandledMailIds(db: Db, before: Date, take: number): Promise<string[]> {
  const old = await db.outboxEmail.findMany({
    where: { status: { in: [...HANDLED_STATUSES] }, sentAt: { lt: before } },
    select: { id: true },
    take,
  });
  return old.map((row) => row.id);
}

export async function deleteMailByIds(db: Db, ids: string[]): Promise<number> {
  const { count } = await db.outboxEmail.deleteMany({ where: { id: { in: ids } } });
  return count;
}

export async function deleteMailById(db: Db, id: string): Promise<void> {
  await db.outboxEmail.deleteMany({ where: { id } });
}

/** Delivered: the body (and with it the link) leaves the row. */
export async function markMailSent(db: Db, id: string, providerId: string | null, sentAt: Date): Promise<void> {
  await db.outboxEmail.updateMany({
    where: { id },
    data: { status: "sent", providerId, sentAt, lockedUntil: null, lastError: null, params: null, text: null, html: null },
  });
}

export async function markMailFailed(db: Db, id: string, attempts: number, lastError: string, nextAttemptAt: Date): Promise<void> {
  await db.outboxEmail.updateMany({ where: { id }, data: { attempts, lastError, nextAttemptAt, lockedUntil: null } });
}

/** Handled without sending, nothing of the mail kept (production without a provider). */
export async function markMailUnsent(db: Db, id: string, sentAt: Date, lastError: string): Promise<void> {
  await db.outboxEmail.updateMany({
    where: { id },
    data: { status: "unsent", sentAt, lockedUntil: null, lastError, params: null, text: null, html: null },
  });
}

/** Handled without sending, the composed mail kept for /dev/mailbox. */
export async function markMailKept(db: Db, id: string, sentAt: Date): Promise<void> {
  await db.outboxEmail.updateMany({ where: { id }, data: { status: "kept", sentAt, lockedUntil: null, params: null } });
}

/**
 * Saves the composed mail on its row. update, not updateMany: a row deleted
 * meanwhile (its user deleted) fails, and a token minted with it is rolled back.
 */
export async function saveComposedMail(
  db: Outbox,
  id: string,
  data: { kind: string; userId: string; subject: string; html: string; text: string },
): Promise<void> {
  await db.outboxEmail.update({ where: { id }, data: { ...data, params: null } });
}

/** The newest mail kept for /dev/mailbox. */
export async function findKeptMail(db: Db, take: number) {
  return db.outboxEmail.findMany({ where: { status: "kept" }, orderBy: { createdAt: "desc" }, take });
}
