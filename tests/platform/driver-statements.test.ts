// Statements run on the driver (src/server/db/driver-statements.ts) are
// cached by name, per SQLite connection and as PostgreSQL's prepared
// statements: a name must be given, and never stand for two texts. A
// bookkeeping write is wrapped on PostgreSQL to commit unsynced, which a
// statement with a WITH clause of its own cannot be.
import { describe, expect, it } from "vitest";
import { DriverStatement } from "@/server/db/driver-statements";

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
    expect(
      () => new DriverStatement("test-bookkeeping-insert", `INSERT INTO "RateLimit" ("key") VALUES (?)`, { bookkeeping: true }),
    ).not.toThrow();
  });
});
