// The batch insert of queued security events, run on the driver beneath
// Prisma like the log-in path's own statements (login-statements.ts): during
// a log-in storm every log-in queues an event, and the event loop shares the
// cores with argon2. Measured here on SQLite, in batches of 10: Prisma's
// createMany cost 0.29 ms of CPU per event, this 0.03 ms.
// SQLite: one prepared single-row insert, run for each row inside one
// transaction (one commit). PostgreSQL: one prepared statement whatever the
// batch's size, the columns passed as arrays and spread by unnest().
import type BetterSqlite3 from "better-sqlite3";
import { type Db, driverOf } from "./client";
import { DriverStatement, sqliteDate } from "./driver-statements";

export type SecurityEventRow = {
  id: string;
  type: string;
  userId: string;
  email: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: string | null;
  createdAt: Date;
};

const COLUMNS = ["id", "type", "userId", "email", "actorId", "ip", "userAgent", "details", "createdAt"] as const;
const COLUMN_LIST = COLUMNS.map((c) => `"${c}"`).join(", ");

const SQLITE_INSERT = `INSERT INTO "SecurityEvent" (${COLUMN_LIST}) VALUES (${COLUMNS.map(() => "?").join(", ")})`;
const PG_INSERT = new DriverStatement(
  "security-events-insert",
  `INSERT INTO "SecurityEvent" (${COLUMN_LIST})
   SELECT * FROM unnest(${COLUMNS.map((c) => (c === "createdAt" ? "?::timestamp(3)[]" : "?::text[]")).join(", ")})`,
);

const sqlitePrepared = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/** Inserts the rows, all or none. */
export async function insertSecurityEvents(db: Db, rows: SecurityEventRow[]): Promise<void> {
  if (!rows.length) return;
  const driver = driverOf(db);
  if (driver.kind === "postgres") {
    await PG_INSERT.all(
      db,
      COLUMNS.map((c) => rows.map((row) => (c === "createdAt" ? row.createdAt.toISOString() : row[c]))),
    );
    return;
  }
  await driver.run((connection) => {
    let insert = sqlitePrepared.get(connection);
    if (!insert) {
      insert = connection.prepare(SQLITE_INSERT);
      sqlitePrepared.set(connection, insert);
    }
    const statement = insert;
    connection.transaction(() => {
      for (const row of rows) statement.run(...COLUMNS.map((c) => (c === "createdAt" ? sqliteDate(row.createdAt) : row[c])));
    })();
  });
}
