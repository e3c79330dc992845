// A transaction PostgreSQL aborted for a conflict (deadlock, serialization
// failure) changed nothing and runs again; any other failure is let through
// at once. (The race that once answered 500: tests/accounts/email-change.test.ts,
// "a password change racing a reset".)
import { describe, expect, it } from "vitest";
import { isTransactionConflict } from "@/server/db/errors";
import { againOnConflict } from "@/server/db/transaction-conflicts";

const deadlock = () => Object.assign(new Error("deadlock detected"), { code: "40P01" });

describe("a transaction aborted for a conflict", () => {
  it("runs again, up to three runs in all, and gives the last run's answer", async () => {
    let runs = 0;
    expect(
      await againOnConflict(async () => {
        runs++;
        if (runs < 3) throw deadlock();
        return "done";
      }),
    ).toBe("done");
    expect(runs).toBe(3);
  });

  it("past three runs, the conflict is let through", async () => {
    let runs = 0;
    await expect(
      againOnConflict(async () => {
        runs++;
        throw deadlock();
      }),
    ).rejects.toThrow("deadlock detected");
    expect(runs).toBe(3);
  });

  it("any other failure is let through at once", async () => {
    let runs = 0;
    await expect(
      againOnConflict(async () => {
        runs++;
        throw Object.assign(new Error("unique"), { code: "P2002" });
      }),
    ).rejects.toThrow("unique");
    expect(runs).toBe(1);
  });

  it("is recognised by Prisma's code, PostgreSQL's codes or message, also as a cause", () => {
    expect(isTransactionConflict({ code: "P2034" })).toBe(true);
    expect(isTransactionConflict({ code: "40001" })).toBe(true);
    expect(isTransactionConflict(new Error("wrapped", { cause: deadlock() }))).toBe(true);
    expect(isTransactionConflict({ message: "ERROR: could not serialize access due to concurrent update" })).toBe(true);
    expect(isTransactionConflict({ code: "P2002" })).toBe(false);
    expect(isTransactionConflict(null)).toBe(false);
  });
});
