// Password hashing with argon2id (@node-rs/argon2: about twice as fast as the
// C reference build with the same parameters, measured here). Hashes run on
// a pool of worker threads (hash-pool.ts), so hashing never blocks the event
// loop. Parameters: docs/BENCHMARKS.md, "Password hashing parameters".
import { type Algorithm, type Options, parseOptions, type Version } from "@node-rs/argon2";
import { AppError } from "../app-error";
import { HashJobError, HashPool, HashPoolFullError, type JobOwner } from "./hash-pool";

// The package's enums exist only in its type declarations.
export const ARGON2ID = 2 as Algorithm.Argon2id;
const ARGON2_VERSION_19 = 1 as Version.V0x13;

export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

export const hashPool = new HashPool();

/** How long a client refused by a full hashing queue is asked to wait: the queue drains in well under a second. */
const OVERLOADED_RETRY_SECONDS = 1;

const overloaded = () =>
  new AppError("OVERLOADED", "The server is busy checking passwords. Try again in a moment.", {
    retryAfterSeconds: OVERLOADED_RETRY_SECONDS,
  });

/** `owner` (the client's address) shares the hashing queue fairly between clients (hash-pool.ts). */
export async function hashPassword(password: string, owner?: JobOwner): Promise<string> {
  try {
    return await hashPool.run<string>({ op: "hash", password, options: ARGON2_OPTIONS }, owner);
  } catch (error) {
    throw error instanceof HashPoolFullError ? overloaded() : error;
  }
}

/**
 * False for a wrong password or a malformed stored hash; a hashing thread
 * that fails is an error, not a wrong password, and a full hashing queue is
 * OVERLOADED (503 with Retry-After).
 */
export async function verifyPassword(hash: string, password: string, owner?: JobOwner): Promise<boolean> {
  try {
    return await hashPool.run<boolean>({ op: "verify", hash, password }, owner);
  } catch (error) {
    if (error instanceof HashJobError) return false;
    throw error instanceof HashPoolFullError ? overloaded() : error;
  }
}

/** Whether a stored hash was made with other parameters than ours (older ones, an older version, or not argon2id). */
export function needsRehash(hash: string): boolean {
  try {
    const stored = parseOptions(hash);
    return (
      stored.algorithm !== ARGON2_OPTIONS.algorithm ||
      stored.version !== ARGON2_VERSION_19 ||
      stored.memoryCost !== ARGON2_OPTIONS.memoryCost ||
      stored.timeCost !== ARGON2_OPTIONS.timeCost ||
      stored.parallelism !== ARGON2_OPTIONS.parallelism
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

function dummy(): Promise<string> {
  if (!dummyHash) {
    dummyHash = hashPassword("not a password anyone has: dummy for timing");
    dummyHash.catch(() => (dummyHash = undefined)); // a failed attempt is made again next time
  }
  return dummyHash;
}

/**
 * Spends the time of one verification against a hash nobody owns, so that an
 * unknown email answers as slowly as a wrong password (no account enumeration).
 */
export async function verifyAgainstDummy(password: string, owner?: JobOwner): Promise<false> {
  await verifyPassword(await dummy(), password, owner);
  return false;
}

/**
 * Run by the server before it listens: a hashing thread loads argon2 (a broken
 * install stops the start instead of failing log-ins), and the dummy hash
 * exists, so even the first unknown address costs one verification.
 */
export async function warmUpPasswordHashing(): Promise<void> {
  await dummy();
}
