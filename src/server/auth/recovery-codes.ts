// Recovery codes: ten per set, each 10 characters of a 31-letter alphabet
// without look-alikes (49 bits), shown as "xxxxx-xxxxx". Only the SHA-256 of
// the normalised code is stored: 49 random bits need no slow hash, and a
// code works once.
import { createHash, randomInt } from "node:crypto";
import { SECOND_FACTOR } from "@/shared/policy";

const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const LENGTH = 10;

function newRecoveryCode(): string {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: SECOND_FACTOR.recoveryCodeCount }, newRecoveryCode);
}

/** The stored form of a code as typed: case, spaces and dashes do not matter. */
export function recoveryCodeHash(typed: string): string {
  const normalised = typed.toLowerCase().replace(/[\s-]/g, "");
  return createHash("sha256").update(`recovery:${normalised}`).digest("hex");
}
