// `next` after log-in: the attack inputs of an open redirect all fall back to
// /account, and whatever comes in, what goes out stays on APP_URL's origin.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameSiteRedirectTarget } from "@/shared/redirect-target";

const APP = "https://accounts.school.example";

/** What the login page receives: Next.js decodes the query string once. */
const fromQuery = (raw: string) => new URLSearchParams(`next=${raw}`).get("next");

describe("sameSiteRedirectTarget", () => {
  it.each([
    ["a tab between the slashes", "%2F%09%2Fevil.example%2Fphish"],
    ["a newline between the slashes", "%2F%0A%2Fevil.example%2Fphish"],
    ["a carriage return", "%2F%0D%2Fevil.example"],
    ["a NUL", "%2F%00%2Fevil.example"],
    ["a C1 control", "%2F%C2%85%2Fevil.example"],
    ["protocol-relative", "%2F%2Fevil.example"],
    ["protocol-relative, unencoded", "//evil.example/phish"],
    ["a backslash", "%2F%5Cevil.example"],
    ["a backslash, unencoded", "/\\evil.example"],
    ["two backslashes", "%5C%5Cevil.example"],
    ["an absolute URL", "https%3A%2F%2Fevil.example%2F"],
    ["an absolute URL, unencoded", "https://evil.example/"],
    ["our host over another scheme", "http%3A%2F%2Faccounts.school.example%2Faccount"],
    ["javascript:", "javascript%3Aalert(document.cookie)"],
    ["javascript: with a tab", "java%09script%3Aalert(1)"],
    ["data:", "data%3Atext%2Fhtml%2C%3Cscript%3Ealert(1)%3C%2Fscript%3E"],
    ["a dot segment before a double slash", "%2F.%2F%2Fevil.example"],
    ["dot-dot segments before a double slash", "%2Fa%2F..%2F%2Fevil.example"],
    ["a leading space", "%20%2F%2Fevil.example"],
    ["a relative path", "account"],
    ["an empty value", ""],
  ])("%s falls back to /account", (_name, raw) => {
    expect(sameSiteRedirectTarget(fromQuery(raw), APP)).toBe("/account");
  });

  it("missing, repeated or non-string values fall back to /account", () => {
    expect(sameSiteRedirectTarget(undefined, APP)).toBe("/account");
    expect(sameSiteRedirectTarget(["/admin", "/account"], APP)).toBe("/account");
    expect(sameSiteRedirectTarget(42, APP)).toBe("/account");
    expect(sameSiteRedirectTarget(`/${"a".repeat(3000)}`, APP)).toBe("/account");
  });

  it("keeps paths on this site with their query and fragment", () => {
    expect(sameSiteRedirectTarget("/admin", APP)).toBe("/admin");
    expect(sameSiteRedirectTarget("/account?tab=sessions#top", APP)).toBe("/account?tab=sessions#top");
    expect(sameSiteRedirectTarget("/a/../admin", APP)).toBe("/admin");
    // Still encoded, a slash or backslash is part of a path segment, not a separator.
    expect(sameSiteRedirectTarget("/%2F%2Fevil.example", APP)).toBe("/%2F%2Fevil.example");
    expect(sameSiteRedirectTarget("/%5Cevil.example", APP)).toBe("/%5Cevil.example");
  });

  it("whatever it is given, a browser following the result stays on APP_URL's origin", () => {
    const piece = fc.constantFrom(
      "/",
      "\\",
      "//",
      "\t",
      "\n",
      "\r",
      " ",
      ".",
      "..",
      ":",
      "@",
      "%",
      "%2F",
      "%5C",
      "%09",
      "evil.example",
      "https:",
      "javascript:",
      "?",
      "#",
      "\u0085",
      "\u3000",
    );
    const candidate = fc.oneof(
      fc.string(),
      fc.array(piece, { maxLength: 8 }).map((p) => p.join("")),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(candidate, (next) => {
        const result = sameSiteRedirectTarget(next, APP);
        expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
        expect(result).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\]/);
        expect(new URL(result, APP).origin).toBe(APP);
      }),
      { numRuns: 2000, seed: 20261123 },
    );
  });
});
