// Teacher invitations: a secret that lets its holder register as a verified
// teacher. Stored hashed; uses are counted atomically inside the registration.
import { AppError } from "../app-error";
import { hashToken, newSecretToken } from "../auth/secret-token";
import type { Db } from "../db/client";

type Tx = Pick<Db, "teacherToken">;

export const TEACHER_TOKEN_DEFAULTS = { maxUses: 1, expiresInDays: 14 } as const;

export async function createTeacherToken(
  db: Db,
  options: { maxUses?: number; expiresInDays?: number; note?: string | null; createdById?: string | null },
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = newSecretToken();
  const expiresAt = new Date(Date.now() + (options.expiresInDays ?? TEACHER_TOKEN_DEFAULTS.expiresInDays) * 86_400_000);
  const row = await db.teacherToken.create({
    data: {
      tokenHash: hashToken(token),
      maxUses: options.maxUses ?? TEACHER_TOKEN_DEFAULTS.maxUses,
      expiresAt,
      note: options.note ?? null,
      createdById: options.createdById ?? null,
    },
    select: { id: true },
  });
  return { id: row.id, token, expiresAt };
}

export const teacherTokenInvalid = () =>
  new AppError(
    "BAD_REQUEST",
    "TEACHER_TOKEN_INVALID",
    "This teacher token is not valid: it may be mistyped, expired, revoked or used up.",
  );

/**
 * Takes one use of a token inside the caller's transaction. A single
 * conditional UPDATE checks expiry, revocation and remaining uses and counts
 * the use, so parallel registrations can never exceed maxUses.
 */
export async function consumeTeacherToken(tx: Tx, token: string, now = new Date()): Promise<void> {
  const { count } = await tx.teacherToken.updateMany({
    where: {
      tokenHash: hashToken(token),
      revokedAt: null,
      expiresAt: { gt: now },
      uses: { lt: (tx as Db).teacherToken.fields.maxUses },
    },
    data: { uses: { increment: 1 } },
  });
  if (count !== 1) throw teacherTokenInvalid();
}

/** Whether a token could be used now (checked before any work is done). */
export async function isTeacherTokenUsable(db: Db, token: string, now = new Date()): Promise<boolean> {
  const row = await db.teacherToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { revokedAt: true, expiresAt: true, uses: true, maxUses: true },
  });
  return !!row && !row.revokedAt && row.expiresAt > now && row.uses < row.maxUses;
}
