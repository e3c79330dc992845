// Second factors: authenticator apps, recovery codes and passkeys, and the
// user's "secondFactor" mark that the dashboard shows. Each check that must
// hold once (a TOTP step, a recovery code) is one conditional UPDATE, so
// parallel uses of the same code cannot both pass.
import type { Db } from "./client";
import { isUniqueViolation } from "./errors";
import type { Tx } from "./serializable";

type Writer = Pick<Db, "totpFactor" | "recoveryCode" | "passkey" | "user">;

export async function findTotpFactor(db: Pick<Db, "totpFactor">, userId: string) {
  return db.totpFactor.findUnique({ where: { userId }, select: { secret: true, confirmedAt: true, createdAt: true } });
}

/** Starts (or restarts) an enrolment; refused (false) when a confirmed app exists. */
export async function saveTotpEnrolment(db: Db, userId: string, sealedSecret: string, now: Date): Promise<boolean> {
  const { count } = await db.totpFactor.updateMany({
    where: { userId, confirmedAt: null },
    data: { secret: sealedSecret, createdAt: now, lastStep: 0 },
  });
  if (count) return true;
  const created = await db.totpFactor
    .create({ data: { userId, secret: sealedSecret, createdAt: now }, select: { id: true } })
    .then(() => true)
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return false; // a confirmed one (or a parallel enrolment) holds the row
      throw error;
    });
  return created;
}

/**
 * Confirms a pending enrolment begun after `startedAfter`, taking `step` as
 * the last accepted, only while its secret is still `sealedSecret` (the one
 * the code was checked against: a newer start may have replaced it).
 */
export async function confirmTotpFactor(
  tx: Writer,
  userId: string,
  sealedSecret: string,
  step: number,
  startedAfter: Date,
  now: Date,
): Promise<boolean> {
  const { count } = await tx.totpFactor.updateMany({
    where: { userId, secret: sealedSecret, confirmedAt: null, createdAt: { gt: startedAfter } },
    data: { confirmedAt: now, lastStep: step },
  });
  return count === 1;
}

/** Accepts a code's step once: only a step later than the last accepted one passes. */
export async function acceptTotpStep(db: Pick<Db, "totpFactor">, userId: string, step: number): Promise<boolean> {
  const { count } = await db.totpFactor.updateMany({
    where: { userId, confirmedAt: { not: null }, lastStep: { lt: step } },
    data: { lastStep: step },
  });
  return count === 1;
}

export async function deleteTotpFactor(tx: Writer, userId: string): Promise<void> {
  await tx.totpFactor.deleteMany({ where: { userId } });
}

/** Replaces a user's recovery codes with a new set (the old ones stop working). */
export async function replaceRecoveryCodes(tx: Writer, userId: string, codeHashes: string[]): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codeHashes.map((codeHash) => ({ userId, codeHash })) });
}

/** Spends an unused recovery code; false when it is unknown or spent. */
export async function spendRecoveryCode(db: Pick<Db, "recoveryCode">, userId: string, codeHash: string, now: Date): Promise<boolean> {
  const { count } = await db.recoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: now } });
  return count === 1;
}

export async function countUnusedRecoveryCodes(db: Pick<Db, "recoveryCode">, userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}

export async function deleteRecoveryCodes(tx: Writer, userId: string): Promise<void> {
  await tx.recoveryCode.deleteMany({ where: { userId } });
}

/** Sets the user's secondFactor mark from what they have: a confirmed app or a passkey. */
export async function refreshSecondFactorMark(tx: Writer, userId: string): Promise<boolean> {
  const [apps, passkeys] = await Promise.all([
    tx.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    tx.passkey.count({ where: { userId } }),
  ]);
  const has = apps + passkeys > 0;
  await tx.user.updateMany({ where: { id: userId }, data: { secondFactor: has } });
  return has;
}

/** Whether the user gained a factor (an app confirmed, a passkey) after `since`: one that a set-up begun then never saw. */
export async function factorAddedSince(tx: Writer, userId: string, since: Date): Promise<boolean> {
  const [apps, passkeys] = await Promise.all([
    tx.totpFactor.count({ where: { userId, confirmedAt: { gt: since } } }),
    tx.passkey.count({ where: { userId, createdAt: { gt: since } } }),
  ]);
  return apps + passkeys > 0;
}

/** Which second factors a user has, for the log-in's second step. */
export async function secondFactorsOf(db: Db, userId: string): Promise<{ totp: boolean; passkey: boolean; recoveryCodes: number }> {
  const [totp, passkeys, recoveryCodes] = await Promise.all([
    db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    db.passkey.count({ where: { userId } }),
    countUnusedRecoveryCodes(db, userId),
  ]);
  return { totp: totp > 0, passkey: passkeys > 0, recoveryCodes };
}

/** Removes every second factor of a user (an admin's reset). */
export async function deleteSecondFactors(tx: Tx, userId: string): Promise<void> {
  await tx.totpFactor.deleteMany({ where: { userId } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.passkey.deleteMany({ where: { userId } });
  await tx.user.updateMany({ where: { id: userId }, data: { secondFactor: false } });
}
