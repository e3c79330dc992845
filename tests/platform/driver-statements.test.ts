// Statements run on the driver (src/server/db/driver-statements.ts) are
// cached by name, per SQLite connection and as PostgreSQL's prepared
// statements: a name must be given, and never stand for two texts.
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
});
