// The benchmark's user generator: realistic enough that searches for common
// and rare fragments mean something, and the same people every run.
import { describe, expect, it } from "vitest";
import { directoryUser } from "../../scripts/bench-directory";

const N = 20_000;
const users = Array.from({ length: N }, (_, i) => directoryUser(i));
const counts = new Map<string, number>();
for (const u of users) counts.set(u.name, (counts.get(u.name) ?? 0) + 1);

describe("the benchmark's directory", () => {
  it("gives the same person for the same index, whatever was generated before", () => {
    expect(directoryUser(123_456)).toEqual(directoryUser(123_456));
    expect(directoryUser(999_999)).toEqual(directoryUser(999_999));
    expect(users[17]).toEqual(directoryUser(17));
  });

  it("has many distinct names, none too common, and names held by one person only", () => {
    expect(counts.size).toBeGreaterThan(N / 4);
    expect(Math.max(...counts.values()) / N).toBeLessThan(0.005);
    expect([...counts.values()].filter((c) => c === 1).length).toBeGreaterThan(N / 20);
  });

  it("has common fragments and accented names, so search by fragment and without accents is exercised", () => {
    const share = (re: RegExp) => users.filter((u) => re.test(u.name)).length / N;
    expect(share(/mar/i)).toBeGreaterThan(0.03);
    expect(share(/José/)).toBeGreaterThan(0.005);
    expect(share(/[^\p{ASCII}]/u)).toBeGreaterThan(0.1);
  });

  it("gives every user a distinct lower-case ASCII address", () => {
    const emails = users.map((u) => u.email);
    expect(new Set(emails).size).toBe(N);
    for (const e of emails) expect(e).toMatch(/^[a-z0-9.-]+@[a-z0-9.-]+\.example$/);
    expect(directoryUser(1_000_000).email).toMatch(/\.lfls@/);
  });
});
