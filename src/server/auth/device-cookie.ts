// OWASP's "device cookies" against lockout: a browser that has logged in to
// an account carries an entry signed by the server naming that account.
// Password attempts from it draw on a budget of its own (rate-limits.ts), so
// failures an attacker causes from elsewhere, against the address or against
// a shared network address (a school's NAT), never lock that browser out.
//
// An entry is `<userId>.<issued, seconds base36>.<nonce>.<mac>`, or with
// `.2` after it when the browser also finished the account's second step
// (its codes then draw on a budget of their own: a password holder spending
// the account's cannot stop the owner's browser). The MAC (HMAC-SHA-256, 128
// bits) covers those fields, the mark and the account's current password
// hash, so a new password (reset or change) retires every entry issued
// before it. The nonce names the device's own failure budget. One cookie
// holds the entries of the last few accounts used in that browser (shared
// school computers).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie";
import { DAY, DEVICE_TRUST_DAYS } from "@/shared/policy";
import { isHttps } from "./session-cookie";

const TRUST_SECONDS = DEVICE_TRUST_DAYS * DAY;
const MAX_ENTRIES = 5;
const MAX_COOKIE_LENGTH = 1500;

/** What an entry vouches for: the browser knew the account's password, or also finished its second step. */
export type DeviceTrust = "password" | "second-step";

type Entry = { userId: string; issued: number; nonce: string; trust: DeviceTrust; mac: string };

const SECOND_STEP_MARK = "2";

function deviceCookieName(appUrl: string): string {
  return isHttps(appUrl) ? "__Host-device" : "device";
}

/** The raw device cookie of a request, or null. */
export function deviceCookieFrom(headers: Headers, appUrl: string): string | null {
  const header = headers.get("cookie");
  if (!header) return null;
  const value = parse(header)[deviceCookieName(appUrl)];
  return value && value.length <= MAX_COOKIE_LENGTH ? value : null;
}

function parseEntries(cookie: string | null): Entry[] {
  if (!cookie) return [];
  const entries: Entry[] = [];
  for (const text of cookie.split("~").slice(0, MAX_ENTRIES)) {
    const [userId, issued, nonce, mac, mark, extra] = text.split(".");
    if (!userId || !nonce || !mac || extra !== undefined || (mark !== undefined && mark !== SECOND_STEP_MARK)) continue;
    // Present since the fields after it are; empty or not base36, it reads as NaN.
    const seconds = Number.parseInt(issued!, 36);
    const trust: DeviceTrust = mark === SECOND_STEP_MARK ? "second-step" : "password";
    if (Number.isSafeInteger(seconds)) entries.push({ userId, issued: seconds, nonce, trust, mac });
  }
  return entries;
}

function macOf(key: Buffer, entry: Omit<Entry, "mac">, passwordHash: string): string {
  // A hash starts with "$": the mark's field cannot be read as part of it.
  const mark = entry.trust === "second-step" ? `${SECOND_STEP_MARK}.` : "";
  return createHmac("sha256", key)
    .update(`${entry.userId}.${entry.issued.toString(36)}.${entry.nonce}.${mark}${passwordHash}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The device id (the entry's nonce) when the cookie holds a valid, unexpired
 * entry for this account and its current password, vouching for at least
 * `needed` (an entry of the second step vouches for the password too); null
 * otherwise.
 */
export function trustedDevice(
  key: Buffer,
  cookie: string | null,
  account: { userId: string; passwordHash: string },
  needed: DeviceTrust = "password",
): string | null {
  return validEntry(key, cookie, account, needed)?.nonce ?? null;
}

function validEntry(key: Buffer, cookie: string | null, account: { userId: string; passwordHash: string }, needed: DeviceTrust) {
  const oldest = nowSeconds() - TRUST_SECONDS;
  for (const entry of parseEntries(cookie)) {
    if (entry.userId !== account.userId || entry.issued < oldest || entry.issued > nowSeconds() + 60) continue;
    if (needed === "second-step" && entry.trust !== "second-step") continue;
    if (sameMac(entry.mac, macOf(key, entry, account.passwordHash))) return entry;
  }
  return null;
}

/**
 * The Set-Cookie value after a successful log-in step (`trust`: the password,
 * or the second step): a fresh entry for this account first, then the
 * cookie's other accounts' entries (newest first, at most MAX_ENTRIES).
 * Entries of other accounts are kept as they are: only their own account's
 * password can confirm them. After the password, a valid entry of the
 * account's second step is kept as it is: the log-in's own second step must
 * still find it.
 */
export function deviceCookieAfterLogIn(
  key: Buffer,
  appUrl: string,
  cookie: string | null,
  account: { userId: string; passwordHash: string },
  trust: DeviceTrust = "password",
): string {
  const issued = nowSeconds();
  const fresh = { userId: account.userId, issued, nonce: randomBytes(12).toString("base64url"), trust };
  const kept = trust === "password" ? validEntry(key, cookie, account, "second-step") : null;
  const entries = [
    kept ?? { ...fresh, mac: macOf(key, fresh, account.passwordHash) },
    ...parseEntries(cookie).filter((e) => e.userId !== account.userId && e.issued > issued - TRUST_SECONDS),
  ].slice(0, MAX_ENTRIES);
  const value = entries
    .map((e) => `${e.userId}.${e.issued.toString(36)}.${e.nonce}.${e.mac}${e.trust === "second-step" ? `.${SECOND_STEP_MARK}` : ""}`)
    .join("~");
  return serialize(deviceCookieName(appUrl), value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttps(appUrl),
    maxAge: TRUST_SECONDS,
  });
}
