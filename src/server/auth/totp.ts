// Authenticator apps (TOTP, RFC 6238) through @oslojs/otp: 20-byte secrets,
// 6 digits per 30-second step. A code is matched against the current step
// and one step either side (clock drift), and the matching step is returned
// so the caller can refuse any step not later than the last one accepted (no
// replay). Secrets rest sealed with AES-256-GCM under a server key, so a
// copy of the database alone does not give away anyone's codes.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from "node:crypto";
import { encodeBase32NoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { SECOND_FACTOR } from "@/shared/policy";

const { totpPeriodSeconds: PERIOD, totpDigits: DIGITS, totpDriftSteps: DRIFT } = SECOND_FACTOR;

export function newTotpSecret(): Uint8Array {
  return new Uint8Array(randomBytes(20));
}

/** The secret as people type it into an app: base32, in groups of four. */
export function totpSecretText(secret: Uint8Array): string {
  return encodeBase32NoPadding(secret)
    .match(/.{1,4}/g)!
    .join(" ");
}

/** The otpauth:// URI a QR code carries. */
export function totpUri(issuer: string, accountName: string, secret: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, secret, PERIOD, DIGITS);
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD);
}

/** The code of a step (tests and the enrolment's own check use it). */
export function totpCode(secret: Uint8Array, step: number): string {
  return generateHOTP(secret, BigInt(step), DIGITS);
}

/** The step within drift whose code this is, or null. Spaces are ignored. */
export function matchTotp(secret: Uint8Array, code: string, nowMs: number): number | null {
  const typed = code.replace(/\s/g, "");
  if (!new RegExp(`^\\d{${DIGITS}}$`).test(typed)) return null;
  const now = totpStep(nowMs);
  let matched: number | null = null;
  // Every candidate is compared, so the time taken says nothing of which matched.
  for (let step = now - DRIFT; step <= now + DRIFT; step++) {
    if (timingSafeEqual(Buffer.from(totpCode(secret, step)), Buffer.from(typed)) && matched === null) matched = step;
  }
  return matched;
}

/** Seals a secret: base64url of iv, tag and ciphertext. */
export function sealSecret(key: Buffer, secret: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(secret), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url");
}

export function openSecret(key: Buffer, sealed: string): Uint8Array {
  const bytes = Buffer.from(sealed, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]));
}
