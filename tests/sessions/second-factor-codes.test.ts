// The pieces of a second factor, on their own: TOTP codes (RFC 6238's test
// vectors), the drift window, sealed secrets, and recovery codes.
import { createHash, randomBytes } from "node:crypto";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { describe, expect, it } from "vitest";
import { newRecoveryCodes, recoveryCodeHash } from "@/server/auth/recovery-codes";
import { matchTotp, newTotpSecret, openSecret, sealSecret, totpCode, totpSecretText, totpStep, totpUri } from "@/server/auth/totp";

// RFC 6238, appendix B: the SHA-1 secret, and the 8-digit codes' last six digits.
const RFC_SECRET = new Uint8Array(Buffer.from("12345678901234567890"));
const RFC_VECTORS: [number, string][] = [
  [59, "287082"],
  [1111111109, "081804"],
  [1234567890, "005924"],
  [2000000000, "279037"],
];

describe("TOTP codes", () => {
  it.each(RFC_VECTORS)("at %i s the code is %s (RFC 6238)", (seconds, code) => {
    expect(totpCode(RFC_SECRET, totpStep(seconds * 1000))).toBe(code);
  });

  it("a step is 30 seconds, counted from the epoch", () => {
    expect([0, 29_999, 30_000, 59_999, 60_000].map(totpStep)).toEqual([0, 0, 1, 1, 2]);
  });

  it("matches the current step and one either side, not two; returns the step it matched", () => {
    const now = 1111111109 * 1000;
    const step = totpStep(now);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step), now)).toBe(step);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 1), now)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + 1), now)).toBe(step + 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step - 2), now)).toBeNull();
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, step + 2), now)).toBeNull();
  });

  it("ignores spaces; refuses anything but six digits", () => {
    const now = 59_000;
    expect(matchTotp(RFC_SECRET, " 287 082 ", now)).toBe(1);
    for (const typed of ["28708", "2870820", "28708x", "", "287082a", "a287082", "٢٨٧٠٨٢"]) {
      expect(matchTotp(RFC_SECRET, typed, now), typed).toBeNull();
    }
  });

  it("new secrets are 20 random bytes", () => {
    const [a, b] = [newTotpSecret(), newTotpSecret()];
    expect(a).toHaveLength(20);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("the secret as text is base32 in groups of four, and reads back as the secret", () => {
    const secret = newTotpSecret();
    const text = totpSecretText(secret);
    expect(text).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(Buffer.from(decodeBase32IgnorePadding(text.replaceAll(" ", ""))).equals(Buffer.from(secret))).toBe(true);
    expect(totpSecretText(RFC_SECRET)).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  });

  it("the otpauth URI names the issuer, the account, the secret, 6 digits and 30 seconds", () => {
    const uri = new URL(totpUri("school.example", "ada@school.example", RFC_SECRET));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/school.example:ada@school.example");
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      issuer: "school.example",
      digits: "6",
      period: "30",
    });
  });
});

describe("sealed secrets", () => {
  const key = randomBytes(32);

  it("open what was sealed; each seal is different and holds no plain copy", () => {
    const secret = newTotpSecret();
    const [one, two] = [sealSecret(key, secret), sealSecret(key, secret)];
    expect(one).not.toBe(two);
    expect(Buffer.from(openSecret(key, one)).equals(Buffer.from(secret))).toBe(true);
    expect(Buffer.from(openSecret(key, two)).equals(Buffer.from(secret))).toBe(true);
    expect(Buffer.from(one, "base64url").includes(Buffer.from(secret))).toBe(false);
    // iv (12) + tag (16) + the 20 sealed bytes.
    expect(Buffer.from(one, "base64url")).toHaveLength(48);
  });

  it("refuse another key and any changed byte", () => {
    const sealed = sealSecret(key, newTotpSecret());
    expect(() => openSecret(randomBytes(32), sealed)).toThrow();
    const bytes = Buffer.from(sealed, "base64url");
    for (const at of [0, 12, 28, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[at]! ^= 1;
      expect(() => openSecret(key, changed.toString("base64url")), `byte ${at}`).toThrow();
    }
  });
});

describe("recovery codes", () => {
  const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

  it("ten per set, distinct, five and five characters of an alphabet without look-alikes", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[abcdefghjkmnpqrstuvwxyz23456789]{5}-[abcdefghjkmnpqrstuvwxyz23456789]{5}$/);
    // Over many codes every letter of the alphabet turns up.
    const seen = new Set(Array.from({ length: 40 }, newRecoveryCodes).flat().join("").replaceAll("-", ""));
    expect([...seen].sort().join("")).toBe([...ALPHABET].sort().join(""));
  });

  it("are stored as the SHA-256 of the normalised code; case, spaces and dashes do not matter", () => {
    const stored = createHash("sha256").update("recovery:abcdefghjk").digest("hex");
    expect(recoveryCodeHash("abcde-fghjk")).toBe(stored);
    expect(recoveryCodeHash(" ABCDE fghjk ")).toBe(stored);
    expect(recoveryCodeHash("abcdefghjk")).toBe(stored);
    expect(recoveryCodeHash("abcde-fghjm")).not.toBe(stored);
  });
});
