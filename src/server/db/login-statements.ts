// The log-in path's statements, prepared once and run on the driver
// beneath Prisma: the same SQLite connection, the same PostgreSQL pool, so
// they read and write exactly what Prisma's queries do. Why not Prisma: during
// a log-in storm the event loop shares the cores with argon2, and Prisma's
// query pipeline cost more CPU than the statements themselves (measured: the
// event loop spent 4.3 ms per log-in through Prisma, 2.8 ms this way; see
// docs/BENCHMARKS.md). Everything else goes through Prisma.
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { driverOf, type Db } from "./client";

/** A failure budget of rate-limiter-flexible's store ("RateLimit" table). */
export type BudgetRow = { key: string; points: number; expire: Date | null };

export type LoginRow = { userId: string; passwordHash: string; verified: boolean };

/** The columns of a new "Session" row, in the order of `sessionColumns`. */
export type NewSessionRow = {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  ip: string | null;
  userAgent: string | null;
};

export const sessionColumns = ["id", "tokenHash", "userId", "createdAt", "expiresAt", "lastUsedAt", "ip", "userAgent"] as const;
export const sessionColumnList = sessionColumns.map((c) => `"${c}"`).join(", ");

/** The statements, with SQLite's "?" placeholders. */
const SQL = {
  budgets: `SELECT "key", "points", "expire" FROM "RateLimit" WHERE "key" IN (?, ?)`,
  // The login row and both failure budgets in one round trip (one row, even
  // when none of them exists).
  logIn: `SELECT l."userId", l."passwordHash", l."emailVerifiedAt",
      e."points" AS "emailPoints", e."expire" AS "emailExpire", i."points" AS "ipPoints", i."expire" AS "ipExpire"
    FROM (SELECT 1 AS "one") x
    LEFT JOIN "Login" l ON l."email" = ?
    LEFT JOIN "RateLimit" e ON e."key" = ?
    LEFT JOIN "RateLimit" i ON i."key" = ?`,
  insertSession: `INSERT INTO "Session" (${sessionColumnList}) VALUES (${sessionColumns.map(() => "?").join(", ")})`,
};

/** The same statements with PostgreSQL's "$1", "$2", … */
const PG_SQL = Object.fromEntries(
  Object.entries(SQL).map(([name, sql]) => {
    let index = 0;
    return [name, sql.replace(/\?/g, () => `$${++index}`)];
  }),
) as typeof SQL;

type RawBudget = { key: string; points: number | bigint; expire: string | null };
type RawLogIn = {
  userId: string | null;
  passwordHash: string | null;
  emailVerifiedAt: string | null;
  emailPoints: number | bigint | null;
  emailExpire: string | null;
  ipPoints: number | bigint | null;
  ipExpire: string | null;
};

// SQLite ---------------------------------------------------------------------

type SqliteStatements = Record<keyof typeof SQL, BetterSqlite3.Statement>;
const prepared = new WeakMap<BetterSqlite3.Database, SqliteStatements>();

function sqliteStatements(connection: BetterSqlite3.Database): SqliteStatements {
  let statements = prepared.get(connection);
  if (!statements) {
    statements = {
      budgets: connection.prepare(SQL.budgets),
      logIn: connection.prepare(SQL.logIn),
      insertSession: connection.prepare(SQL.insertSession),
    };
    prepared.set(connection, statements);
  }
  return statements;
}

/** DateTime as Prisma's SQLite adapter stores it (ISO 8601 with "+00:00"). */
function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

// PostgreSQL -----------------------------------------------------------------

// Prisma's PostgreSQL columns are "timestamp(3)" without a time zone, holding
// UTC: read them as UTC whatever the server's zone (pg's default would not).
const TIMESTAMP_OID = 1114;
const utcTimestamps = {
  getTypeParser: (oid: number, format: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (text: string) => `${text.replace(" ", "T")}Z` : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/** A named query: PostgreSQL parses and plans it once per connection. */
async function pgQuery<Row>(pool: pg.Pool, name: keyof typeof SQL, values: unknown[]): Promise<Row[]> {
  const result = await pool.query({ name: `login-${name}`, text: PG_SQL[name], values, types: utcTimestamps });
  return result.rows as Row[];
}

// The statements ---------------------------------------------------------------

export async function readFailureBudgets(db: Db, keys: readonly [string, string]): Promise<BudgetRow[]> {
  const driver = driverOf(db);
  const rows =
    driver.kind === "sqlite"
      ? ((await driver.run((c) => sqliteStatements(c).budgets.all(...keys))) as RawBudget[])
      : await pgQuery<RawBudget>(driver.pool, "budgets", [...keys]);
  return rows.map((r) => budget(r.key, r.points, r.expire));
}

function budget(key: string, points: number | bigint, expire: string | null): BudgetRow {
  return { key, points: Number(points), expire: expire == null ? null : new Date(expire) };
}

/** The login row of an address and the failure budgets of `keys` (per address, per client). */
export async function readLogIn(
  db: Db,
  email: string,
  keys: readonly [string, string],
): Promise<{ login: LoginRow | undefined; budgets: BudgetRow[] }> {
  const driver = driverOf(db);
  const row =
    driver.kind === "sqlite"
      ? ((await driver.run((c) => sqliteStatements(c).logIn.get(email, ...keys))) as RawLogIn)
      : (await pgQuery<RawLogIn>(driver.pool, "logIn", [email, ...keys]))[0]!;
  const budgets: BudgetRow[] = [];
  if (row.emailPoints != null) budgets.push(budget(keys[0], row.emailPoints, row.emailExpire));
  if (row.ipPoints != null) budgets.push(budget(keys[1], row.ipPoints, row.ipExpire));
  const login =
    row.userId == null || row.passwordHash == null
      ? undefined
      : { userId: row.userId, passwordHash: row.passwordHash, verified: row.emailVerifiedAt != null };
  return { login, budgets };
}

export async function insertSession(db: Db, session: NewSessionRow): Promise<void> {
  const driver = driverOf(db);
  const date = driver.kind === "sqlite" ? sqliteDate : (d: Date) => d.toISOString();
  const values = sessionColumns.map((c) => {
    const value = session[c];
    return value instanceof Date ? date(value) : value;
  });
  if (driver.kind === "sqlite") await driver.run((c) => sqliteStatements(c).insertSession.run(...values));
  else await pgQuery(driver.pool, "insertSession", values);
}
