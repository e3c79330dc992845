import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/env";
import { createDb, type Db, driverOf } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { createServices } from "@/server/services/service-container";
import { logInAs, seedUser } from "../support/accounts";
import { TEST_DIR } from "../support/databases";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("migrations next to a running server", () => {
  it("an up-to-date database is left alone while the app holds it open", async () => {
    // The app's client is connected (SQLite: in WAL mode, where the Prisma CLI
    // could not take its lock); starting a second instance must still work.
    await app.db.user.count();
    await expect(migrate(app.config.DATABASE_URL, { quiet: true })).resolves.toBeUndefined();
    await app.db.user.count();
  });
});

describe.runIf(process.env.TEST_DB !== "postgres")("SQLite journal", () => {
  const sqliteDriver = (db: Db) => {
    const driver = driverOf(db);
    if (driver.kind !== "sqlite") throw new Error("a SQLite client");
    return driver;
  };
  const synchronous = async (db: Db) => {
    const [row] = await db.$queryRawUnsafe<{ synchronous: number | bigint }[]>("PRAGMA synchronous");
    return ({ 1: "NORMAL", 2: "FULL" } as Record<number, string>)[Number(row!.synchronous)] ?? String(row!.synchronous);
  };

  it("the app's client uses WAL with synchronous = FULL: a confirmed commit survives a power cut", async () => {
    const [mode] = await app.db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(mode!.journal_mode).toBe("wal");
    expect(await synchronous(app.db)).toBe("FULL");
    // As the server builds it, from a configuration that does not mention it.
    const served = createServices(parseConfig({ DATABASE_URL: app.config.DATABASE_URL, NODE_ENV: "production" }));
    try {
      expect(await synchronous(served.db)).toBe("FULL");
    } finally {
      await served.db.$disconnect();
    }
  });

  it("a connection opened again after a disconnect is FULL too (SQLite's own default for WAL here is NORMAL)", async () => {
    const file = path.join(TEST_DIR, `sync-${randomBytes(4).toString("hex")}.db`);
    fs.copyFileSync(app.config.DATABASE_URL.replace(/^file:/, ""), file);
    const db = createDb(`file:${file}`);
    try {
      expect(await synchronous(db)).toBe("FULL");
      await db.$disconnect();
      expect(await synchronous(db)).toBe("FULL");
      await db.user.count(); // the driver's own statements use the same connection
      expect(Number(await sqliteDriver(db).run((connection) => connection.pragma("synchronous", { simple: true })))).toBe(2);
    } finally {
      await db.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    }
  });

  it("bookkeeping writes (rate-limit counts, a new session) skip the wait; the confirmed change after them waits for the disk", async () => {
    const driver = sqliteDriver(app.db);
    const during = (work: () => void = () => undefined) =>
      driver.run(
        (connection) => {
          work();
          return Number(connection.pragma("synchronous", { simple: true }));
        },
        { bookkeeping: true },
      );
    const now = (options?: { read: true }) =>
      driver.run((connection) => Number(connection.pragma("synchronous", { simple: true })), options);
    expect(await during()).toBe(1); // NORMAL while it runs
    // It stays NORMAL for reads on the driver (a log-in storm switches nothing)…
    expect(await now({ read: true })).toBe(1);
    // …and any other driver statement, or any Prisma statement, runs FULL again.
    expect(await now()).toBe(2);
    await during();
    expect(await synchronous(app.db)).toBe("FULL");
    await expect(
      during(() => {
        throw new Error("a failed statement");
      }),
    ).rejects.toThrow("a failed statement");
    expect(await synchronous(app.db)).toBe("FULL"); // also after a failure

    // A log-in writes only bookkeeping; the transaction right after it runs FULL.
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const inTransaction = await app.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: user.id }, data: { name: "Renamed after log-in" } });
      const [row] = await tx.$queryRawUnsafe<{ synchronous: number | bigint }[]>("PRAGMA synchronous");
      return Number(row!.synchronous);
    });
    expect(inTransaction).toBe(2);
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id });
    expect(await app.db.user.findUnique({ where: { id: user.id }, select: { name: true } })).toEqual({ name: "Renamed after log-in" });
  });

  it("SQLITE_SYNCHRONOUS=normal gives NORMAL (throwaway databases: benchmarks); another user of the file is not changed", async () => {
    const file = path.join(TEST_DIR, `sync-${randomBytes(4).toString("hex")}.db`);
    fs.copyFileSync(app.config.DATABASE_URL.replace(/^file:/, ""), file);
    const services = createServices(parseConfig({ DATABASE_URL: `file:${file}`, SQLITE_SYNCHRONOUS: "normal", NODE_ENV: "test" }));
    const other = createDb(`file:${file}`);
    try {
      expect(await synchronous(services.db)).toBe("NORMAL");
      await sqliteDriver(services.db).run(() => undefined, { bookkeeping: true });
      expect(await synchronous(services.db)).toBe("NORMAL"); // not switched to FULL after bookkeeping
      expect(await synchronous(other)).toBe("FULL");
    } finally {
      await services.db.$disconnect();
      await other.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    }
  });

  it("a pending migration on a database a server holds open says to stop the server", async () => {
    const file = path.join(TEST_DIR, `held-${randomBytes(4).toString("hex")}.db`);
    fs.copyFileSync(app.config.DATABASE_URL.replace(/^file:/, ""), file);
    const held = createDb(`file:${file}`);
    try {
      // Forget the newest migration, so that one is pending again.
      await held.$executeRawUnsafe(
        `DELETE FROM "_prisma_migrations" WHERE "migration_name" = (SELECT max("migration_name") FROM "_prisma_migrations")`,
      );
      await expect(migrate(`file:${file}`, { quiet: true })).rejects.toThrow(/in use by a running server: stop it/);
    } finally {
      await held.$disconnect();
      for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    }
  });

  it("a database file already in WAL mode is migrated when no server holds it", async () => {
    const file = path.join(TEST_DIR, `wal-${randomBytes(4).toString("hex")}.db`);
    const raw = new Database(file);
    raw.pragma("journal_mode = WAL");
    raw.close();
    try {
      await migrate(`file:${file}`, { quiet: true });
      const db = createDb(`file:${file}`);
      expect(await db.user.count()).toBe(0);
      await db.$disconnect();
    } finally {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    }
  });
});
