// Passkeys (model Passkey): WebAuthn credentials and their counters.
import type { Db } from "./client";

const passkeyViewSelect = { id: true, name: true, createdAt: true, lastUsedAt: true } as const;

export type StoredPasskey = { userId: string; credentialId: string; publicKey: string; counter: number; transports: string | null };

const storedSelect = { userId: true, credentialId: true, publicKey: true, counter: true, transports: true } as const;

export async function findPasskeyByCredentialId(db: Db, credentialId: string): Promise<StoredPasskey | null> {
  return db.passkey.findUnique({ where: { credentialId }, select: storedSelect });
}

export async function findPasskeysOfUser(db: Db, userId: string): Promise<StoredPasskey[]> {
  return db.passkey.findMany({ where: { userId }, select: storedSelect, orderBy: { createdAt: "asc" } });
}

export async function listPasskeysOfUser(db: Db, userId: string) {
  return db.passkey.findMany({ where: { userId }, select: passkeyViewSelect, orderBy: { createdAt: "asc" } });
}

export async function countPasskeysOfUser(db: Db, userId: string): Promise<number> {
  return db.passkey.count({ where: { userId } });
}

export async function insertPasskey(
  tx: Pick<Db, "passkey">,
  row: { userId: string; credentialId: string; publicKey: string; counter: number; transports: string | null; name: string },
): Promise<{ id: string }> {
  return tx.passkey.create({ data: row, select: { id: true } });
}

/**
 * Records a use: the authenticator's new signature counter, when it keeps
 * one. False when the stored counter is not below it (a cloned
 * authenticator, or the same assertion twice at once).
 */
export async function recordPasskeyUse(db: Db, credentialId: string, counter: number, now: Date): Promise<boolean> {
  const where = counter > 0 ? { credentialId, counter: { lt: counter } } : { credentialId };
  const { count } = await db.passkey.updateMany({ where, data: { counter, lastUsedAt: now } });
  return count === 1;
}

export async function renamePasskeyOfUser(db: Db, userId: string, id: string, name: string): Promise<boolean> {
  const { count } = await db.passkey.updateMany({ where: { id, userId }, data: { name } });
  return count === 1;
}

export async function deletePasskeyOfUser(tx: Pick<Db, "passkey">, userId: string, id: string): Promise<boolean> {
  const { count } = await tx.passkey.deleteMany({ where: { id, userId } });
  return count === 1;
}
