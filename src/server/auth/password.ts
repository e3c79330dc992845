// Password hashing with argon2id. Parameters are OWASP's minimum for
// argon2id (19 MiB, 2 iterations, 1 lane); argon2 runs on libuv's thread
// pool, so hashing never blocks the event loop.
import argon2 from "argon2";

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other (older) parameters than ours. */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification against a hash nobody owns, so that an
 * unknown email answers as slowly as a wrong password (no account enumeration).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("not a password anyone has: dummy for timing");
  await verifyPassword(await dummyHash, password);
  return false;
}
