// On SQLite, Prisma's adapter runs a statement made outside a transaction at
// once on the one connection, even while an interactive transaction is open
// there: the statement then belongs to that transaction, and its rollback
// undoes it. The client's gate makes such statements wait for the commit or
// rollback, so what one request writes never depends on another's fate.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driverOf } from "@/server/db/client";
import { seedUser } from "../support/accounts";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const rolledBack = new Error("roll back on purpose");

/** Runs `during` while an interactive transaction that writes and then fails is open. */
async function duringFailingTransaction(userId: string, during: () => Promise<unknown>) {
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const transaction = app.db
    .$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { name: "Changed inside" } });
      opened();
      // Give the other statement every chance to run while this is open.
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw rolledBack;
    })
    .catch((error: unknown) => error);
  await open;
  const [outcome] = await Promise.all([transaction, during()]);
  expect(outcome).toBe(rolledBack);
}

describe("statements outside a transaction", () => {
  it("a Prisma write made while another request's transaction is open survives that transaction's rollback", async () => {
    const user = await seedUser(app);
    const other = await seedUser(app, { name: "Other Person" });
    await duringFailingTransaction(user.id, () => app.db.user.update({ where: { id: other.id }, data: { name: "Written outside" } }));
    expect((await app.db.user.findUniqueOrThrow({ where: { id: other.id } })).name).toBe("Written outside");
    expect((await app.db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe(user.name);
  });

  it("a statement run on the driver (the log-in path's) survives it too", async () => {
    const user = await seedUser(app);
    const driver = driverOf(app.db);
    const sql = `INSERT INTO "RateLimit" ("key", "points") VALUES ('gate-test', 1)`;
    await duringFailingTransaction(user.id, () =>
      driver.kind === "sqlite" ? driver.run((c) => c.prepare(sql).run()) : driver.pool.query(sql),
    );
    expect(await app.db.rateLimit.findUnique({ where: { key: "gate-test" } })).toMatchObject({ points: 1 });
  });
});
