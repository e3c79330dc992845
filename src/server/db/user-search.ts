// The admin user list's page query, and the condition that finds users whose
// email or name contains a search text, ignoring case. Substrings of three or more
// characters go through trigram indexes (migration 20261123020000_user_search):
// pg_trgm GIN indexes on PostgreSQL, FTS5 trigram tables on SQLite.
//
// An index finds few matches fast, but every match it returns is re-read,
// so a text that many users share is faster to find by reading the users
// newest first and stopping at the page (matches are then dense). Measured
// at 100k users: one match took 0.1-1 ms through the index and 90 ms in
// order; 14k matches 60-150 ms through the index and 0.3 ms in order. So
// a search first counts its matches in each index, up to INDEXED_MATCHES.
import type { FlagName } from "@/shared/permissions";
import { type Db, kindOf, Prisma } from "./client";
import { type Keyset, keysetAfterSql, keysetOrderSql } from "./keyset-cursor";
import { type ListedUserRow, listedUserColumns } from "./selects";

const TRIGRAM = 3;
const INDEXED_MATCHES = 2000;

/** Escapes LIKE's wildcards (% and _) and its escape character. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

type SearchSql = {
  /** Whether the text can go through the index at all. */
  indexable: boolean;
  /** One query per index, each returning up to `cap` rows. */
  probes: (cap: number) => Prisma.Sql[];
  indexed: Prisma.Sql;
  scan: Prisma.Sql;
};

function postgresSearch(text: string): SearchSql {
  // Emails are stored lower-cased: LIKE on the lower-cased text matches them
  // and plans in 0.1 ms, where ILIKE on the unique email column took 4 ms.
  const email = likePattern(text.toLowerCase());
  const name = likePattern(text);
  return {
    indexable: [...text].length >= TRIGRAM,
    probes: (cap) => [
      Prisma.sql`SELECT 1 FROM "Login" WHERE "email" LIKE ${email} LIMIT ${cap}`,
      Prisma.sql`SELECT 1 FROM "User" WHERE "name" ILIKE ${name} LIMIT ${cap}`,
    ],
    indexed: Prisma.sql`u."id" IN (
      SELECT "userId" FROM "Login" WHERE "email" LIKE ${email}
      UNION SELECT "id" FROM "User" WHERE "name" ILIKE ${name})`,
    scan: Prisma.sql`(l."email" LIKE ${email} OR u."name" ILIKE ${name})`,
  };
}

function sqliteSearch(text: string): SearchSql {
  const pattern = likePattern(text);
  const emailMatches = Prisma.sql`SELECT "rowid" FROM "LoginEmailSearch" WHERE "email" LIKE ${pattern}`;
  const nameMatches = Prisma.sql`SELECT "rowid" FROM "UserNameSearch" WHERE "name" LIKE ${pattern}`;
  return {
    // FTS5's trigram LIKE takes no ESCAPE clause: texts with wildcards are scanned.
    indexable: [...text].length >= TRIGRAM && !/[\\%_]/.test(text),
    probes: (cap) => [Prisma.sql`${emailMatches} LIMIT ${cap}`, Prisma.sql`${nameMatches} LIMIT ${cap}`],
    indexed: Prisma.sql`u."id" IN (
      SELECT "userId" FROM "Login" WHERE "rowid" IN (${emailMatches})
      UNION SELECT "id" FROM "User" WHERE "rowid" IN (${nameMatches}))`,
    // SQLite's LIKE ignores case for ASCII, as the trigram tables do.
    scan: Prisma.sql`(l."email" LIKE ${pattern} ESCAPE '\\' OR u."name" LIKE ${pattern} ESCAPE '\\')`,
  };
}

/**
 * A condition on "User" u and "Login" l (joined on l."userId" = u."id").
 * `indexedMatches` is the most matches per index that still go through it.
 */
export async function userSearchCondition(db: Db, text: string, indexedMatches = INDEXED_MATCHES): Promise<Prisma.Sql> {
  const search = kindOf(db) === "postgres" ? postgresSearch(text) : sqliteSearch(text);
  if (!search.indexable) return search.scan;
  const cap = indexedMatches + 1;
  const counts = await Promise.all(search.probes(cap).map((probe) => db.$queryRaw<unknown[]>(probe)));
  return counts.some((rows) => rows.length === cap) ? search.scan : search.indexed;
}

/**
 * One keyset page of the admin user list, newest first: users matching the
 * search text (if any) and the flag values, after the cursor; `take` rows.
 */
export async function findUserPage(
  db: Db,
  page: { query?: string; flags: { flag: FlagName; value: boolean }[]; after: Keyset | null; take: number },
): Promise<ListedUserRow[]> {
  const conditions: Prisma.Sql[] = [];
  if (page.query) conditions.push(await userSearchCondition(db, page.query));
  for (const { flag, value } of page.flags) conditions.push(Prisma.sql`${Prisma.raw(`u."${flag}"`)} = ${value}`);
  if (page.after) conditions.push(keysetAfterSql(page.after, "u"));
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  return db.$queryRaw<ListedUserRow[]>`
    SELECT ${Prisma.raw(listedUserColumns)}
    FROM "User" u LEFT JOIN "Login" l ON l."userId" = u."id"
    ${where}
    ORDER BY ${keysetOrderSql("u")}
    LIMIT ${page.take}`;
}
