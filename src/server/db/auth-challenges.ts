// Short-lived steps of a log-in or enrolment (model AuthChallenge): a
// second-factor ticket, or a WebAuthn challenge. Looked up by the SHA-256 of
// their token; spent by one conditional UPDATE, so a ticket opens one
// session however many requests present it at once.
import type { Db } from "./client";

export type ChallengePurpose = "second-factor" | "passkey-login" | "passkey-register";

export type ChallengeRow = { id: string; userId: string | null; challenge: string | null; tries: number; expiresAt: Date; createdAt: Date };

export async function insertChallenge(
  db: Pick<Db, "authChallenge">,
  row: { tokenHash: string; purpose: ChallengePurpose; userId: string | null; challenge: string | null; expiresAt: Date },
): Promise<void> {
  await db.authChallenge.create({ data: row, select: { id: true } });
}

/** Deletes a user's challenges of a purpose but the newest `keep` (room for one more of at most keep + 1). */
/** Ends a user's log-in tickets (a password changed: a ticket is a password check already passed). */
export async function deleteLogInTicketsOf(db: Pick<Db, "authChallenge">, userId: string): Promise<void> {
  await db.authChallenge.deleteMany({ where: { userId, purpose: "second-factor" } });
}

export async function trimChallengesOf(
  db: Pick<Db, "authChallenge">,
  userId: string,
  purpose: ChallengePurpose,
  keep: number,
): Promise<void> {
  const older = await db.authChallenge.findMany({
    where: { userId, purpose },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: keep,
    select: { id: true },
  });
  if (older.length) await db.authChallenge.deleteMany({ where: { id: { in: older.map((row) => row.id) } } });
}

/** The unspent challenge of a token hash and purpose, expired or not. */
export async function findChallenge(db: Db, tokenHash: string, purpose: ChallengePurpose): Promise<ChallengeRow | null> {
  return db.authChallenge.findFirst({
    where: { tokenHash, purpose, usedAt: null },
    select: { id: true, userId: true, challenge: true, tries: true, expiresAt: true, createdAt: true },
  });
}

/** Sets the WebAuthn challenge a ticket now expects (a passkey offered as its second factor). */
export async function setChallengeOf(db: Db, id: string, challenge: string): Promise<void> {
  await db.authChallenge.updateMany({ where: { id, usedAt: null }, data: { challenge } });
}

/**
 * Counts a try against a ticket; false when its tries are used up (the
 * ticket is then spent). One UPDATE: parallel tries cannot exceed the limit.
 */
export async function takeChallengeTry(db: Db, id: string, maxTries: number, now: Date): Promise<boolean> {
  const { count } = await db.authChallenge.updateMany({
    where: { id, usedAt: null, tries: { lt: maxTries }, expiresAt: { gt: now } },
    data: { tries: { increment: 1 } },
  });
  return count === 1;
}

/** Spends a challenge; false when another request spent it first or it lapsed. */
export async function spendChallenge(db: Pick<Db, "authChallenge">, id: string, now: Date): Promise<boolean> {
  const { count } = await db.authChallenge.updateMany({ where: { id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1;
}

/** Deletes challenges past their lifetime (the pruning round). */
export async function deleteLapsedChallenges(db: Db, now: Date): Promise<number> {
  const { count } = await db.authChallenge.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
