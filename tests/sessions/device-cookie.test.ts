// The device cookie's grammar and its checks, on the module itself: which
// entries are trusted, which are dropped when the cookie is issued again, and
// the attributes it is set with. MACs are computed here from the format the
// module documents, so a change to what the MAC covers is caught too.
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deviceCookieAfterLogIn, deviceCookieFrom, trustedDevice } from "@/server/auth/device-cookie";
import { DAY, DEVICE_TRUST_DAYS } from "@/shared/policy";

const KEY = Buffer.alloc(32, 7);
const HTTP = "http://localhost:3000";
const HTTPS = "https://accounts.school.example";
const TRUST_SECONDS = DEVICE_TRUST_DAYS * DAY;
const NOW = 1_800_000_000; // seconds
const ada = { userId: "ada", passwordHash: "$argon2id$ada-hash" };
const bob = { userId: "bob", passwordHash: "$argon2id$bob-hash" };

/** The MAC of an entry: HMAC-SHA-256 over `<userId>.<issued>.<nonce>.<hash>`, first 16 bytes, base64url. */
const macOf = (userId: string, issued: string, nonce: string, passwordHash: string) =>
  createHmac("sha256", KEY).update(`${userId}.${issued}.${nonce}.${passwordHash}`).digest().subarray(0, 16).toString("base64url");

/** A well-formed entry issued `age` seconds ago (negative: in the future). */
const entry = (account: typeof ada, nonce: string, age = 0) => {
  const issued = (NOW - age).toString(36);
  return `${account.userId}.${issued}.${nonce}.${macOf(account.userId, issued, nonce, account.passwordHash)}`;
};

/** The value and the attributes of a Set-Cookie. */
const parseSetCookie = (setCookie: string) => {
  const [pair, ...attributes] = setCookie.split("; ");
  return { name: pair!.split("=")[0], value: pair!.slice(pair!.indexOf("=") + 1), attributes: attributes.sort() };
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW * 1000 + 500);
});
afterEach(() => vi.useRealTimers());

describe("trustedDevice", () => {
  it("trusts a well-formed entry of the account and its current password: the device id is the nonce", () => {
    expect(trustedDevice(KEY, entry(ada, "n1"), ada)).toBe("n1");
    expect(trustedDevice(KEY, `${entry(bob, "b1")}~${entry(ada, "a1")}`, ada)).toBe("a1");
    expect(trustedDevice(KEY, `${entry(bob, "b1")}~${entry(ada, "a1")}`, bob)).toBe("b1");
  });

  it("trusts nothing without a cookie, for another account, or after the password changed", () => {
    expect(trustedDevice(KEY, null, ada)).toBeNull();
    expect(trustedDevice(KEY, "", ada)).toBeNull();
    expect(trustedDevice(KEY, entry(bob, "b1"), ada)).toBeNull();
    expect(trustedDevice(KEY, entry(ada, "a1"), { ...ada, passwordHash: "$argon2id$new" })).toBeNull();
    expect(trustedDevice(Buffer.alloc(32, 8), entry(ada, "a1"), ada)).toBeNull();
  });

  it("trusts no entry of another account, even one whose password hash is the same string", () => {
    // Accounts imported or seeded with one hash: the MAC alone would match.
    const twin = { userId: "twin", passwordHash: ada.passwordHash };
    expect(trustedDevice(KEY, entry(ada, "a1"), twin)).toBeNull();
    expect(trustedDevice(KEY, `${entry(ada, "a1")}~${entry(twin, "t1")}`, twin)).toBe("t1");
  });

  it(`is trusted for ${DEVICE_TRUST_DAYS} days to the second, and up to a minute ahead of our clock, no further`, () => {
    expect(trustedDevice(KEY, entry(ada, "old", TRUST_SECONDS), ada)).toBe("old");
    expect(trustedDevice(KEY, entry(ada, "older", TRUST_SECONDS + 1), ada)).toBeNull();
    expect(trustedDevice(KEY, entry(ada, "ahead", -60), ada)).toBe("ahead");
    expect(trustedDevice(KEY, entry(ada, "too-far", -61), ada)).toBeNull();
  });

  it("refuses a MAC that differs, is shorter or longer, even by one character, without throwing", () => {
    const good = entry(ada, "n1");
    const mac = good.split(".")[3]!;
    expect(mac).toHaveLength(22); // 16 bytes
    const flipped = mac.endsWith("A") ? `${mac.slice(0, -1)}B` : `${mac.slice(0, -1)}A`;
    for (const other of [flipped, mac.slice(0, -1), `${mac}A`, "x"]) {
      expect(trustedDevice(KEY, good.replace(mac, other), ada), other).toBeNull();
    }
  });

  it("skips malformed entries, even when their MAC matches what they say", () => {
    const issued = NOW.toString(36);
    const malformed = [
      // An empty nonce.
      `ada.${issued}..${macOf("ada", issued, "", ada.passwordHash)}`,
      // A fifth field.
      `${entry(ada, "n1")}.extra`,
      // An issue time that is not a number ("-" reads as NaN).
      `ada.-.n1.${macOf("ada", "NaN", "n1", ada.passwordHash)}`,
    ];
    for (const cookie of malformed) expect(trustedDevice(KEY, cookie, ada), cookie).toBeNull();
  });

  it("reads at most five entries of a cookie", () => {
    const five = ["b1", "b2", "b3", "b4", "b5"].map((n) => entry(bob, n));
    expect(trustedDevice(KEY, [...five.slice(0, 4), entry(ada, "fifth")].join("~"), ada)).toBe("fifth");
    expect(trustedDevice(KEY, [...five, entry(ada, "sixth")].join("~"), ada)).toBeNull();
  });
});

/** An entry of a browser that also finished the account's second step: `.2` after the MAC, the MAC covering it. */
const secondStepEntry = (account: typeof ada, nonce: string, age = 0) => {
  const issued = (NOW - age).toString(36);
  const mac = createHmac("sha256", KEY)
    .update(`${account.userId}.${issued}.${nonce}.2.${account.passwordHash}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");
  return `${account.userId}.${issued}.${nonce}.${mac}.2`;
};

describe("entries of the second step", () => {
  it("vouch for the second step and the password; a password entry for the password only", () => {
    expect(trustedDevice(KEY, secondStepEntry(ada, "s1"), ada, "second-step")).toBe("s1");
    expect(trustedDevice(KEY, secondStepEntry(ada, "s1"), ada)).toBe("s1");
    expect(trustedDevice(KEY, entry(ada, "p1"), ada, "second-step")).toBeNull();
    expect(trustedDevice(KEY, `${entry(ada, "p1")}~${secondStepEntry(ada, "s1")}`, ada, "second-step")).toBe("s1");
    expect(trustedDevice(KEY, secondStepEntry(ada, "s1"), bob, "second-step")).toBeNull();
    expect(trustedDevice(KEY, secondStepEntry(ada, "s1"), { ...ada, passwordHash: "$argon2id$new" }, "second-step")).toBeNull();
  });

  it("cannot be forged from a password entry: the mark is under the MAC", () => {
    for (const forged of [`${entry(ada, "p1")}.2`, `${entry(ada, "p1")}.3`, secondStepEntry(ada, "s1").replace(/\.2$/, ".3")]) {
      expect(trustedDevice(KEY, forged, ada, "second-step"), forged).toBeNull();
      expect(trustedDevice(KEY, forged, ada), forged).toBeNull();
    }
    // Without its mark, a second step's entry is no password entry either.
    expect(trustedDevice(KEY, secondStepEntry(ada, "s1").replace(/\.2$/, ""), ada)).toBeNull();
  });

  it("are issued after the second step, and kept as they are by the next password step", () => {
    const issued = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, entry(bob, "b1"), ada, "second-step")).value.split("~");
    expect(issued[0]).toMatch(/^ada\.[0-9a-z]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.2$/);
    expect(issued[1]).toBe(entry(bob, "b1"));
    const nonce = issued[0]!.split(".")[2]!;
    expect(trustedDevice(KEY, issued.join("~"), ada, "second-step")).toBe(nonce);
    vi.setSystemTime((NOW + 3600) * 1000);
    const next = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, issued.join("~"), ada)).value.split("~");
    expect(next).toEqual(issued);
    // A second step's entry that no longer holds (a new password) is replaced by a password entry.
    const changed = { ...ada, passwordHash: "$argon2id$new" };
    const replaced = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, issued.join("~"), changed)).value.split("~");
    expect(replaced[0]).not.toMatch(/\.2$/);
    expect(trustedDevice(KEY, replaced.join("~"), changed)).toBe(replaced[0]!.split(".")[2]);
    expect(trustedDevice(KEY, replaced.join("~"), changed, "second-step")).toBeNull();
  });
});

describe("deviceCookieAfterLogIn", () => {
  it("sets an HttpOnly, SameSite=Lax, Path=/ cookie for the trust period; Secure with the __Host- prefix over https", () => {
    const plain = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, null, ada));
    expect(plain.name).toBe("device");
    expect(plain.attributes).toEqual(["HttpOnly", `Max-Age=${TRUST_SECONDS}`, "Path=/", "SameSite=Lax"]);
    const secure = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTPS, null, ada));
    expect(secure.name).toBe("__Host-device");
    expect(secure.attributes).toEqual(["HttpOnly", `Max-Age=${TRUST_SECONDS}`, "Path=/", "SameSite=Lax", "Secure"]);
  });

  it("issues an entry trusted for this account only, with a fresh 16-character nonce and the time in seconds", () => {
    const { value } = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, null, ada));
    const [userId, issued, nonce, mac] = value.split(".");
    expect(userId).toBe("ada");
    expect(Number.parseInt(issued!, 36)).toBe(NOW);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(mac).toBe(macOf("ada", issued!, nonce!, ada.passwordHash));
    expect(trustedDevice(KEY, value, ada)).toBe(nonce);
    expect(trustedDevice(KEY, value, bob)).toBeNull();
    const again = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, null, ada)).value;
    expect(again.split(".")[2]).not.toBe(nonce);
  });

  it("puts the account's new entry first, replaces its old one, and keeps the other accounts' entries as they were", () => {
    const before = [entry(bob, "b1"), entry(ada, "a-old")].join("~");
    const entries = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, before, ada)).value.split("~");
    expect(entries).toHaveLength(2);
    expect(entries[0]!.split(".")[0]).toBe("ada");
    expect(entries[0]).not.toContain("a-old");
    expect(entries[1]).toBe(entry(bob, "b1"));
  });

  it("drops other accounts' entries once their trust period is over, to the second", () => {
    const before = [entry(bob, "kept", TRUST_SECONDS - 1), entry({ ...bob, userId: "cy" }, "dropped", TRUST_SECONDS)].join("~");
    const entries = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, before, ada)).value.split("~");
    expect(entries.slice(1)).toEqual([entry(bob, "kept", TRUST_SECONDS - 1)]);
  });

  it("keeps at most five entries, newest first, and drops malformed ones", () => {
    const others = ["u1", "u2", "u3", "u4", "u5"].map((userId) => entry({ userId, passwordHash: "h" }, `n-${userId}`));
    const kept = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, others.join("~"), ada)).value.split("~");
    expect(kept.map((e) => e.split(".")[0])).toEqual(["ada", "u1", "u2", "u3", "u4"]);

    const issued = NOW.toString(36);
    const malformed = [
      `.${issued}.n.mac`,
      `u6.${issued}..mac`,
      `u7.${issued}.n.`,
      `u8.${issued}.n.mac.extra`,
      "u9.-.n.mac",
      `u10.${"z".repeat(12)}.n.mac`,
      "garbage",
    ];
    const cleaned = parseSetCookie(deviceCookieAfterLogIn(KEY, HTTP, malformed.join("~"), ada)).value.split("~");
    expect(cleaned.map((e) => e.split(".")[0])).toEqual(["ada"]);
  });
});

describe("deviceCookieFrom", () => {
  const from = (cookie: string | null, appUrl = HTTP) => deviceCookieFrom(new Headers(cookie === null ? {} : { cookie }), appUrl);

  it("reads the device cookie of the app's scheme, and nothing else", () => {
    expect(from(null)).toBeNull();
    expect(from("session=x")).toBeNull();
    expect(from("device=")).toBeNull();
    expect(from("session=x; device=abc")).toBe("abc");
    expect(from("device=abc", HTTPS)).toBeNull();
    expect(from("__Host-device=abc", HTTPS)).toBe("abc");
  });

  it("ignores a cookie longer than 1500 characters (five entries fit in about 400)", () => {
    expect(from(`device=${"a".repeat(1500)}`)).toBe("a".repeat(1500));
    expect(from(`device=${"a".repeat(1501)}`)).toBeNull();
  });
});
