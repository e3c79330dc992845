// admin.listUsers' search (src/server/db/user-search.ts, docs/search.md):
// substrings of the name or the address ignoring case and accents, the
// start of a word for one- and two-character texts, keyset pages of matches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldSearchText } from "@/server/db/search-text";
import { settleUserSearchTiers } from "@/server/db/user-search-tiers";
import { logInAs, seedUser } from "../support/accounts";
import { testDbKind } from "../support/databases";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let adminToken: string;
beforeAll(async () => {
  app = await createTestApp();
  const admin = await seedUser(app, { admin: true, name: "Ada Admin", email: "ada.admin@school.example" });
  adminToken = await logInAs(app, admin.email);
  for (const [name, email] of [
    ["José García", "jg@school.example"],
    ["JOSÉ ÑOÑO", "nono@school.example"],
    ["Olga Ivanova", "olga.ivanova@northside.example"],
    ["Zoë Lopez", "zoe@school.example"],
    ["Łukasz Nguyễn", "lukasz@school.example"],
    ["Gabriel Weiß", "gabriel@school.example"],
    ["Omar 100% Sure", "omar_x@school.example"],
  ]) {
    await seedUser(app, { name, email });
  }
});
afterAll(() => app.close());

const names = async (query: string) =>
  (await app.caller({ token: adminToken }).admin.listUsers({ query, limit: 100 })).items.map((u) => u.name).sort();

/** Every match's id, page by page following nextCursor. */
async function pageThrough(query: string, limit: number, flags?: { privilegedStudent: boolean }) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } = await app
      .caller({ token: adminToken })
      .admin.listUsers({ query, limit, cursor, flags });
    seen.push(...page.items.map((u) => u.id));
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

describe("admin.listUsers search", () => {
  it("ignores accents and case, in the name and in the search text", async () => {
    expect(await names("jose")).toEqual(["JOSÉ ÑOÑO", "José García"]);
    expect(await names("JOSÉ")).toEqual(["JOSÉ ÑOÑO", "José García"]);
    expect(await names("Jose\u0301")).toEqual(["JOSÉ ÑOÑO", "José García"]); // a decomposed accent
    expect(await names("garcia")).toEqual(["José García"]);
    expect(await names("ñoño")).toEqual(["JOSÉ ÑOÑO"]);
    expect(await names("nguyen")).toEqual(["Łukasz Nguyễn"]); // two marks on one letter
  });

  it("letters without a decomposition stay themselves, alike on both databases", async () => {
    expect(await names("łukasz")).toEqual(["Łukasz Nguyễn"]);
    expect(await names("ŁUKASZ n")).toEqual(["Łukasz Nguyễn"]);
    expect(await names("weiß")).toEqual(["Gabriel Weiß"]);
    expect(await names("lukasz ng")).toEqual([]); // ł is not l (the address lukasz@ is)
    expect(await names("weiss")).toEqual([]);
  });

  it("finds any part of the address", async () => {
    expect(await names("ivanova@north")).toEqual(["Olga Ivanova"]);
    expect(await names("SIDE.EXAMPLE")).toEqual(["Olga Ivanova"]);
  });

  it("one and two characters match the start of a word of the name or the address, not the middle", async () => {
    expect(await names("ga")).toEqual(["Gabriel Weiß", "José García"]); // not "Olga"
    expect(await names("GÁ")).toEqual(["Gabriel Weiß", "José García"]);
    expect(await names("z")).toEqual(["Zoë Lopez"]); // not "Lopez", "Łukasz"
    expect(await names("iv")).toEqual(["Olga Ivanova"]); // the address's word after "."
    expect(await names("no")).toEqual(["JOSÉ ÑOÑO", "Olga Ivanova"]); // ÑOÑO, and the address nono@ / northside
    expect(await names("sc")).toHaveLength(7); // school.example
    expect(await names("ol")).toEqual(["Olga Ivanova"]);
  });

  it("treats LIKE's wildcards, FTS5's syntax and quotes as plain characters", async () => {
    expect(await names("%")).toEqual([]);
    expect(await names("_")).toEqual([]);
    expect(await names("%%")).toEqual([]);
    expect(await names("100%")).toEqual(["Omar 100% Sure"]);
    expect(await names("r_x")).toEqual(["Omar 100% Sure"]);
    expect(await names("a_m")).toEqual([]); // _ is not any character ("Ada Admin")
    expect(await names("o%s")).toEqual([]);
    expect(await names('"jose"')).toEqual([]);
    expect(await names('jos"')).toEqual([]);
    expect(await names("jos*")).toEqual([]);
    expect(await names("jose OR olga")).toEqual([]);
    expect(await names("NEAR(jose olga)")).toEqual([]);
    expect(await names("a\\b")).toEqual([]);
  });

  it("a text with a control character finds nobody and fails nothing", async () => {
    for (const query of ["jose\u0007", "\u001b[0m", "o\nO", "\u0085x"]) expect(await names(query)).toEqual([]);
  });

  it("folds as PostgreSQL's search_fold does, and SQLite's tokenizer for all but ten letters, every accented Latin letter", async () => {
    // Letters with a canonical decomposition (base letter + marks) in Latin-1,
    // Latin Extended-A and B and Latin Extended Additional.
    const letters: string[] = [];
    for (const [from, to] of [
      [0xc0, 0x24f],
      [0x1e00, 0x1eff],
    ] as const) {
      for (let code = from; code <= to; code++) {
        const c = String.fromCodePoint(code);
        if (c.normalize("NFD") !== c && c.normalize("NFKD") === c.normalize("NFD")) letters.push(c);
      }
    }
    const rows = letters.map((c, i) => ({ id: `fold-${i}`, name: `Qx${c}qx` }));
    await app.db.user.createMany({ data: rows });
    try {
      const missed: string[] = [];
      const byBase = new Map<string, string[]>();
      for (const c of letters) byBase.set(foldSearchText(c), [...(byBase.get(foldSearchText(c)) ?? []), c]);
      for (const [base, expected] of byBase) {
        const found = new Set((await names(`qx${base}qx`)).map((name) => name.slice(2, -2)));
        for (const c of found) expect(expected).toContain(c); // nothing folds to a base it should not
        missed.push(...expected.filter((c) => !found.has(c)));
      }
      // SQLite's remove_diacritics keeps these (Æ, Ø, Ʒ, or A with a dot, under one more mark).
      expect(missed.sort().join("")).toBe(testDbKind() === "sqlite" ? "ǠǡǢǣǮǯǼǽǾǿ" : "");
      expect(letters.length).toBeGreaterThan(400);
    } finally {
      await app.db.user.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    }
  });

  it("pages through matches by cursor, each once, newest first, also within one second", async () => {
    const base = Date.UTC(2024, 4, 1, 12, 0, 0);
    const made: { id: string; createdAt: Date }[] = [];
    for (let i = 0; i < 37; i++) {
      // Groups of users in the same second, some in the same millisecond.
      const createdAt = new Date(base - Math.floor(i / 8) * 1000 - (i % 3) * 7);
      const user = await app.db.user.create({ data: { name: `Pagé ${i} Müller`, createdAt } });
      made.push({ id: user.id, createdAt });
    }
    const expected = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((u) => u.id);
    for (const query of ["page", "mu"]) {
      for (const limit of [1, 3, 8, 50]) {
        expect({ query, limit, seen: await pageThrough(query, limit) }).toEqual({ query, limit, seen: expected });
      }
    }
    // With a flag too: only the flagged matches, still in order.
    const flagged = new Set(expected.filter((_, i) => i % 4 === 0));
    await app.db.user.updateMany({ where: { id: { in: [...flagged] } }, data: { privilegedStudent: true } });
    expect(await pageThrough("müller", 2, { privilegedStudent: true })).toEqual(expected.filter((id) => flagged.has(id)));
    await app.db.user.deleteMany({ where: { id: { in: made.map((u) => u.id) } } });
  });

  it("pages through a second holding more matches than one pass over the index reads", async () => {
    const second = Date.UTC(2024, 5, 1, 9, 30, 0);
    const made: { id: string; createdAt: Date }[] = [];
    // 40 users in one second (some in one millisecond), between two others a second apart.
    for (const [i, createdAt] of [
      ...Array.from({ length: 40 }, (_, i) => [i, new Date(second + (i % 5) * 100)] as const),
      [40, new Date(second + 1000)] as const,
      [41, new Date(second - 1000)] as const,
    ]) {
      const user = await app.db.user.create({ data: { name: `Crowdé ${i} Ölberg`, createdAt } });
      made.push({ id: user.id, createdAt });
    }
    const expected = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((u) => u.id);
    for (const query of ["lberg", "cr"]) {
      for (const limit of [1, 4, 30, 50]) {
        expect({ query, limit, seen: await pageThrough(query, limit) }).toEqual({ query, limit, seen: expected });
      }
    }
    await app.db.user.deleteMany({ where: { id: { in: made.map((u) => u.id) } } });
  });

  it("follows renames, address changes, a new sign-up time and deletions", async () => {
    const user = await seedUser(app, { name: "Quentin Quill", email: "quill@school.example" });
    expect(await names("quentin")).toEqual(["Quentin Quill"]);
    await app.db.user.update({ where: { id: user.id }, data: { name: "Rosa Reéd" } });
    expect(await names("quentin")).toEqual([]);
    expect(await names("reed")).toEqual(["Rosa Reéd"]);
    await app.db.login.update({ where: { userId: user.id }, data: { email: "rosa.reed@school.example" } });
    expect(await names("quill@")).toEqual([]);
    expect(await names("rosa.reed@")).toEqual(["Rosa Reéd"]);
    await app.db.user.update({ where: { id: user.id }, data: { createdAt: new Date("2021-03-04T05:06:07.089Z") } });
    expect(await names("rosa")).toEqual(["Rosa Reéd"]);
    await app.db.login.delete({ where: { userId: user.id } });
    expect(await names("rosa.reed@")).toEqual([]);
    expect(await names("rosa")).toEqual(["Rosa Reéd"]);
    await app.db.user.delete({ where: { id: user.id } });
    expect(await names("rosa")).toEqual([]);
  });
});

// SQLite's search entries find their user by the rowid inside their key
// (user-search.ts): the user's rowid must not change under them.
describe.runIf(testDbKind() === "sqlite")("SQLite's search keys", () => {
  it("keep finding each match's own user after VACUUM, and edits after it still reach the search", async () => {
    const made = [];
    for (let i = 0; i < 30; i++) made.push(await seedUser(app, { name: `Kestrel ${i} Vacuumé`, email: `kestrel${i}@school.example` }));
    // Gaps in the rowids: the rows a VACUUM would move if it renumbered them.
    const gone = made.filter((_, i) => i % 3 === 0);
    await app.db.user.deleteMany({ where: { id: { in: gone.map((u) => u.id) } } });
    const kept = made.filter((_, i) => i % 3 !== 0);
    const rowids = () => app.db.$queryRawUnsafe<{ rowid: bigint; id: string }[]>(`SELECT "rowid", "id" FROM "User" ORDER BY "id"`);
    const before = await rowids();
    await app.db.$executeRawUnsafe("VACUUM");
    expect(await rowids()).toEqual(before);

    const listed = async (query: string) =>
      (await app.caller({ token: adminToken }).admin.listUsers({ query, limit: 100 })).items.map((u) => ({
        id: u.id,
        name: u.name,
        email: u.email,
      }));
    const expected = kept.map((u) => ({ id: u.id, name: u.name, email: u.email }));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect((await listed("vacuume")).sort(byId)).toEqual([...expected].sort(byId));
    expect((await listed("ke")).sort(byId)).toEqual([...expected].sort(byId));

    const renamed = kept[0]!;
    await app.db.user.update({ where: { id: renamed.id }, data: { name: "Plover Vacuumé" } });
    expect((await listed("plover")).map((u) => u.id)).toEqual([renamed.id]);
    expect((await listed("vacuume")).filter((u) => u.id === renamed.id)).toEqual([
      { id: renamed.id, name: "Plover Vacuumé", email: renamed.email },
    ]);
    expect(await listed(renamed.name)).toEqual([]); // the old name
    await app.db.user.deleteMany({ where: { id: { in: kept.map((u) => u.id) } } });
    expect(await listed("vacuume")).toEqual([]);
  });
});

// PostgreSQL keeps the newest users' entries in a tier of their own
// (src/server/db/user-search-tiers.ts); a page reads the hot tier first.
describe.runIf(testDbKind() === "postgres")("PostgreSQL's search tiers", () => {
  const entries = () =>
    app.db.$queryRaw<{ userId: string; createdAt: Date; hot: boolean }[]>`
      SELECT "userId", "createdAt", "hot" FROM "UserSearch" ORDER BY "createdAt" DESC, "userId" DESC`;
  const boundary = async () =>
    (
      await app.db.$queryRaw<
        { at: Date | null; id: string | null }[]
      >`SELECT "coldUntilAt" AS "at", "coldUntilId" AS "id" FROM "UserSearchTier"`
    )[0]!;
  const isHot = async (userId: string) => (await entries()).find((e) => e.userId === userId)?.hot;

  /** Every hot entry comes before every cold one in the list, and the boundary is the newest cold one. */
  async function expectTiersInOrder() {
    const list = await entries();
    const firstCold = list.findIndex((e) => !e.hot);
    if (firstCold >= 0) {
      expect(list.slice(firstCold).every((e) => !e.hot)).toBe(true);
      expect(await boundary()).toEqual({ at: list[firstCold]!.createdAt, id: list[firstCold]!.userId });
    }
    return list;
  }

  it("moves the oldest hot entries to the cold tier, and pages read across both in the list's order", async () => {
    const base = Date.UTC(2025, 0, 2, 3, 4, 5);
    const made: { id: string; createdAt: Date }[] = [];
    for (let i = 0; i < 30; i++) {
      const createdAt = new Date(base - Math.floor(i / 4) * 1000 - (i % 2) * 3); // some share a millisecond
      made.push({ id: (await app.db.user.create({ data: { name: `Tiér ${i} Moreau`, createdAt } })).id, createdAt });
    }
    const expected = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((u) => u.id);
    const total = (await entries()).length;
    expect((await entries()).every((e) => e.hot)).toBe(true); // nothing moved yet: every entry is hot
    expect(await boundary()).toEqual({ at: null, id: null });

    let hotBefore = total;
    for (const hotSize of [total, 25, 9, 4, 0]) {
      const before = await entries();
      const moved = await settleUserSearchTiers(app.db, hotSize, 3);
      expect(moved).toBe(hotBefore - hotSize);
      const after = await expectTiersInOrder();
      expect(after.filter((e) => e.hot)).toHaveLength(hotSize);
      // Only the hot flag of the oldest hot entries changed.
      expect(after.map(({ hot: _, ...e }) => e)).toEqual(before.map(({ hot: _, ...e }) => e));
      hotBefore = hotSize;
      for (const limit of [1, 4, 50]) {
        expect({ hotSize, limit, seen: await pageThrough("tier", limit) }).toEqual({ hotSize, limit, seen: expected });
        expect({ hotSize, limit, seen: await pageThrough("mo", limit) }).toEqual({ hotSize, limit, seen: expected });
      }
    }
    expect(await settleUserSearchTiers(app.db, 0)).toBe(0); // nothing left to move
    await app.db.user.deleteMany({ where: { id: { in: made.map((u) => u.id) } } });
  });

  it("a new user is hot, a changed user keeps the tier of their place in the list", async () => {
    await settleUserSearchTiers(app.db, 0);
    const old = await seedUser(app, { name: "Cold Caller", email: "cold.caller@school.example" });
    await settleUserSearchTiers(app.db, 0);
    expect(await isHot(old.id)).toBe(false);
    const fresh = await seedUser(app, { name: "Hot Hatch", email: "hot.hatch@school.example" });
    expect(await isHot(fresh.id)).toBe(true);
    // A rename and a new address leave a cold user cold, and findable.
    await app.db.user.update({ where: { id: old.id }, data: { name: "Cold Cáller Renamed" } });
    await app.db.login.update({ where: { userId: old.id }, data: { email: "renamed.caller@school.example" } });
    expect(await isHot(old.id)).toBe(false);
    expect(await names("cold.caller@")).toEqual([]);
    expect(await names("caller renamed")).toEqual(["Cold Cáller Renamed"]);
    expect(await names("renamed.caller@")).toEqual(["Cold Cáller Renamed"]);
    // A hot user whose sign-up time moves behind the boundary goes cold: hot entries stay the newest.
    await app.db.user.update({ where: { id: fresh.id }, data: { createdAt: new Date("2020-01-01T00:00:00.000Z") } });
    expect(await isHot(fresh.id)).toBe(false);
    await expectTiersInOrder();
    expect(await names("hatch")).toEqual(["Hot Hatch"]);
  });

  it("the planner samples the word starts finely (300 buckets) and the substrings at the default", async () => {
    const targets = await app.db.$queryRaw<{ column: string; target: number | null }[]>`
      SELECT a."attname" AS "column", a."attstattarget"::int AS "target" FROM pg_attribute a
      WHERE a."attrelid" = '"UserSearch"'::regclass AND a."attname" IN ('words', 'text') ORDER BY a."attname"`;
    // -1 (or null, from PostgreSQL 17) is the default, default_statistics_target.
    expect(targets.map((t) => [t.column, t.target === null || t.target < 0 ? "default" : t.target])).toEqual([
      ["text", "default"],
      ["words", 300],
    ]);
  });
});

describe.runIf(testDbKind() === "sqlite")("SQLite has no search tiers", () => {
  it("moving tiers does nothing: its index returns matches newest first", async () => {
    expect(await settleUserSearchTiers(app.db, 0)).toBe(0);
    expect(await names("olga")).toEqual(["Olga Ivanova"]);
  });
});
