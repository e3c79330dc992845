// Teacher tokens: the hash of an invitation secret, its binding, its uses.
import type { Db } from "./client";
import { teacherTokenSelect } from "./selects";

type Tokens = Pick<Db, "teacherToken">;

/** The tokens whose binding admits this address: unbound, its own, or its exact domain. */
function admits(email: string, domain: string) {
  return { AND: [{ OR: [{ email: null }, { email }] }, { OR: [{ domain: null }, { domain }] }] };
}

export async function insertTeacherToken(
  db: Tokens,
  row: {
    tokenHash: string;
    maxUses: number;
    expiresAt: Date;
    note: string | null;
    email: string | null;
    domain: string | null;
    createdById: string | null;
  },
): Promise<{ id: string }> {
  return db.teacherToken.create({ data: row, select: { id: true } });
}

/**
 * Takes one use of a token for an address (of `domain`): a single conditional
 * UPDATE checks expiry, revocation, remaining uses and the binding and counts
 * the use, so parallel registrations can never exceed maxUses. Whether it did.
 */
export async function takeTeacherTokenUse(db: Tokens, tokenHash: string, email: string, domain: string, now: Date): Promise<boolean> {
  const { count } = await db.teacherToken.updateMany({
    where: {
      tokenHash,
      revokedAt: null,
      expiresAt: { gt: now },
      uses: { lt: (db as Db).teacherToken.fields.maxUses },
      ...admits(email, domain),
    },
    data: { uses: { increment: 1 } },
  });
  return count === 1;
}

/** The state of the token that admits an address, if any. */
export async function findTeacherTokenFor(db: Tokens, tokenHash: string, email: string, domain: string) {
  return db.teacherToken.findFirst({
    where: { tokenHash, ...admits(email, domain) },
    select: { revokedAt: true, expiresAt: true, uses: true, maxUses: true },
  });
}

/** The newest tokens, without secrets. */
export async function findTeacherTokens(db: Tokens, take: number) {
  return db.teacherToken.findMany({ orderBy: { createdAt: "desc" }, take, select: teacherTokenSelect });
}

export async function findTeacherTokenRevocation(db: Tokens, id: string) {
  return db.teacherToken.findUnique({ where: { id }, select: { id: true, revokedAt: true } });
}

export async function markTeacherTokenRevoked(db: Tokens, id: string, now: Date): Promise<void> {
  await db.teacherToken.update({ where: { id }, data: { revokedAt: now } });
}
