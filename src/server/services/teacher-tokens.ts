// Teacher invitations: a secret that lets its holder register as a verified
// teacher. Stored hashed; uses are counted atomically inside the registration.
import { AppError } from "../app-error";
import { hashToken, newSecretToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import { teacherTokenSelect, type UserFlagsRow } from "../db/selects";
import { may } from "@/shared/permissions";
import { audit } from "./audit";
import type { Services } from "./context";
import { notPermitted } from "./access-errors";

type Tx = Pick<Db, "teacherToken">;

const TEACHER_TOKEN_DEFAULTS = { maxUses: 1, expiresInDays: 14 } as const;

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
  return !!row && teacherTokenState(row, now) === "active";
}

const teacherTokenNotFound = () =>
  new AppError("NOT_FOUND", "TEACHER_TOKEN_NOT_FOUND", "There is no teacher token with this id.");

export function teacherTokenState(row: { revokedAt: Date | null; expiresAt: Date; uses: number; maxUses: number }, now = new Date()) {
  if (row.revokedAt) return "revoked" as const;
  if (row.uses >= row.maxUses) return "used" as const;
  if (row.expiresAt <= now) return "expired" as const;
  return "active" as const;
}

/** Creates a token as an admin, with an audit entry. */
export async function issueTeacherToken(
  s: Services,
  caller: UserFlagsRow,
  options: { maxUses?: number; expiresInDays?: number; note?: string | null },
) {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  const created = await createTeacherToken(s.db, { ...options, createdById: caller.id });
  await audit(s.db, [
    {
      actor: caller,
      action: "createTeacherToken",
      field: created.id,
      newValue: `${options.maxUses ?? TEACHER_TOKEN_DEFAULTS.maxUses} use(s) until ${created.expiresAt.toISOString()}`,
    },
  ]);
  return created;
}

/** Every token, newest first, without secrets. */
export async function listTeacherTokens(s: Services, caller: UserFlagsRow) {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  const rows = await s.db.teacherToken.findMany({ orderBy: { createdAt: "desc" }, take: 500, select: teacherTokenSelect });
  const now = new Date();
  return {
    items: rows.map((r) => ({
      id: r.id,
      note: r.note,
      maxUses: r.maxUses,
      uses: r.uses,
      usesLeft: Math.max(0, r.maxUses - r.uses),
      expiresAt: r.expiresAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      createdBy: r.createdBy,
      state: teacherTokenState(r, now),
    })),
  };
}

export async function revokeTeacherToken(s: Services, caller: UserFlagsRow, id: string): Promise<{ ok: true }> {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  await s.db.$transaction(async (tx) => {
    const row = await tx.teacherToken.findUnique({ where: { id }, select: { id: true, revokedAt: true } });
    if (!row) throw teacherTokenNotFound();
    if (row.revokedAt) return;
    await tx.teacherToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await audit(tx, [{ actor: caller, action: "revokeTeacherToken", field: id }]);
  });
  return { ok: true };
}
