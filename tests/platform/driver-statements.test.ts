// Statements run on the driver (src/server/db/driver-statements.ts) are
// cached by name, per SQLite connection and as PostgreSQL's prepared
// statements: a name must be given, and never stand for two texts. A
// bookkeeping write is wrapped on PostgreSQL to commit unsynced, which a
// statement with a WITH clause of its own cannot be.
import { describe, expect, it, vi } from "vitest";
import { DriverStatement, writeTogether } from "@/server/db/driver-statements";
import { fileDatabase, testDbKind } from "../support/databases";
import { commitSettings } from "../support/postgres-commit-setting";
import { commitLevel } from "../support/sqlite-commit-level";

const db = fileDatabase();

describe("DriverStatement", () => {
  it("refuses an empty name, and a name already given to another text", () => {
    expect(() => new DriverStatement("", "SELECT 1")).toThrow('a driver statement needs a name of its own, not ""');
    new DriverStatement("test-one", "SELECT 1");
    expect(() => new DriverStatement("test-one", "SELECT 2")).toThrow('not "test-one"');
    // The same text under its name again is the module loaded again.
    expect(() => new DriverStatement("test-one", "SELECT 1")).not.toThrow();
  });

  it("refuses a bookkeeping statement with a WITH clause of its own, and takes the same text as an ordinary one", () => {
    const sql = `WITH "x" AS (DELETE FROM "RateLimit" RETURNING "key") SELECT "key" FROM "x"`;
    expect(() => new DriverStatement("test-bookkeeping-with", sql, { bookkeeping: true })).toThrow(
      '"test-bookkeeping-with" has a WITH clause',
    );
    expect(() => new DriverStatement("test-bookkeeping-with-2", ` with "x" AS (SELECT 1) SELECT 1`, { bookkeeping: true })).toThrow(
      "WITH clause",
    );
    expect(() => new DriverStatement("test-ordinary-with", sql)).not.toThrow();
    // The word elsewhere than at the start is no WITH clause.
    expect(
      () => new DriverStatement("test-bookkeeping-word", `UPDATE "RateLimit" SET "key" = 'with' WHERE "key" = ?`, { bookkeeping: true }),
    ).not.toThrow();
    expect(
      () => new DriverStatement("test-bookkeeping-insert", `INSERT INTO "RateLimit" ("key") VALUES (?)`, { bookkeeping: true }),
    ).not.toThrow();
  });
});

describe("a second copy of the modules (Next.js bundles its own for the pages)", () => {
  it("runs driver statements on the clients the server entry made", async () => {
    vi.resetModules();
    const copy = await import("@/server/db/driver-statements");
    const client = await import("@/server/db/client");
    expect(copy.DriverStatement).not.toBe(DriverStatement);
    expect(client.kindOf(db())).toBe(testDbKind());
    const read = new copy.DriverStatement("test-copy-read", `SELECT COUNT(*) AS "n" FROM "User"`);
    expect(await read.all<{ n: number | string }>(db(), [])).toHaveLength(1);
  });
});

describe("writeTogether", () => {
  // Not bookkeeping: these writes wait for the disk.
  const INSERT = new DriverStatement("test-rate-limit-insert", `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, NULL)`);
  const write = (key: string, points: number) => ({ statement: INSERT, values: [key, points] });
  const KEEP = new DriverStatement("test-rate-limit-keep", `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, NULL)`, {
    bookkeeping: true,
  });
  const kept = (key: string, points: number) => ({ statement: KEEP, values: [key, points] });
  const counters = async () =>
    Object.fromEntries((await db().rateLimit.findMany({ orderBy: { key: "asc" } })).map((r) => [r.key, r.points]));

  it("commits its writes together or not at all; bookkeeping ones do not wait for the disk, others do", async () => {
    await writeTogether(db(), [write("a", 1), write("b", 2), write("c", 3)]);
    expect(await counters()).toEqual({ a: 1, b: 2, c: 3 });
    // The second write fails (the key is taken): the first is not kept either.
    await expect(writeTogether(db(), [write("f", 3), write("a", 4)])).rejects.toThrow();
    expect(await counters()).toEqual({ a: 1, b: 2, c: 3 });
    if (testDbKind() === "postgres") {
      const settings = await commitSettings(db(), async () => {
        await writeTogether(db(), [kept("x", 1), kept("y", 1)]);
        await writeTogether(db(), [write("d", 1), write("e", 1)]);
      });
      expect(settings).toEqual([
        ["test-rate-limit-keep+test-rate-limit-keep", "off"],
        ["test-rate-limit-insert+test-rate-limit-insert", "on"],
      ]);
    } else {
      await writeTogether(db(), [kept("x", 1), kept("y", 1)]);
      expect(await commitLevel(db(), "read")).toBe(1);
      await writeTogether(db(), [write("d", 1), write("e", 1)]);
      expect(await commitLevel(db(), "read")).toBe(2);
    }
    expect(await counters()).toEqual({ a: 1, b: 2, c: 3, d: 1, e: 1, x: 1, y: 1 });
  });
});
