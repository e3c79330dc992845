// The admin user list's page query, and its search: users whose name or
// address contains the search text, ignoring case and accents; a one- or
// two-character text matches the start of a word instead (search-text.ts,
// docs/search.md). Each page is one statement.
//
// SQLite (migration 20261128000000_user_search_folded): FTS5 tables whose
// rowid orders users as the list does, to the second, so the index yields the
// newest matches first and the page stops after `take` of them; the matches
// in the second where it stopped are all read and sorted exactly. At 1M users
// a search matching 0.3 % of them took 0.4-2.4 ms, where sorting every match
// took 5-17 ms. The entries' users are found by the rowid in their key, which
// VACUUM keeps (tests/admin/user-search.test.ts).
//
// PostgreSQL: the folded text in "UserSearch", in two tiers (the newest users
// and the rest, user-search-tiers.ts), each with a pg_trgm GIN index for
// texts few users match, and a covering index newest first for texts many
// do; the planner picks one from its estimate, the cold tier is read only
// when the hot one held too few matches, and only the page's ids are then
// joined to the users.
import type { FlagName } from "@/shared/permissions";
import { type Db, kindOf, Prisma } from "./client";
import { pageQuery } from "./driver-statements";
import { type Keyset, keysetAfterSql, keysetOrderSql } from "./keyset-cursor";
import { foldSearchText, SUBSTRING_MIN_LENGTH, WORD } from "./search-text";
import { type ListedUserRow, listedUserColumns } from "./selects";

/** Conditions on the user's flags, and on whether they have a second factor. */
type Flags = { flag: FlagName | "secondFactor"; value: boolean }[];
type Page = { query?: string; flags: Flags; after: Keyset | null; take: number };

/** How a search reads: a substring anywhere, or the start of a word, or nothing can match. */
type Search = { kind: "substring" | "wordStart"; text: string } | null;

function searchOf(query: string): Search {
  // Names and addresses never hold control characters: such a text finds nobody.
  if (/\p{Cc}/u.test(query)) return null;
  if ([...query].length >= SUBSTRING_MIN_LENGTH) return { kind: "substring", text: query };
  // The start of a word: a text that is not all letters and digits starts none.
  return WORD.test(foldSearchText(query)) ? { kind: "wordStart", text: query } : null;
}

function flagConditions(flags: Flags, alias: string): Prisma.Sql[] {
  return flags.map(({ flag, value }) => Prisma.sql`${Prisma.raw(`${alias}."${flag}"`)} = ${value}`);
}

function where(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/**
 * One keyset page of the admin user list, newest first: users matching the
 * search text (if any) and the flag values, after the cursor; `take` rows.
 */
export async function findUserPage(db: Db, page: Page): Promise<ListedUserRow[]> {
  if (!page.query) return listPage(db, page);
  const search = searchOf(page.query);
  if (!search) return [];
  return kindOf(db) === "postgres" ? postgresSearchPage(db, search, page) : sqliteSearchPage(db, search, page);
}

function listPage(db: Db, page: Page): Promise<ListedUserRow[]> {
  const conditions = flagConditions(page.flags, "u");
  if (page.after) conditions.push(keysetAfterSql(page.after, "u"));
  return pageQuery<ListedUserRow>(
    db,
    Prisma.sql`
    SELECT ${Prisma.raw(listedUserColumns)}
    FROM "User" u LEFT JOIN "Login" l ON l."userId" = u."id"
    ${where(conditions)}
    ORDER BY ${keysetOrderSql("u")}
    LIMIT ${page.take}`,
  );
}

// The SQLite tables' rowid: the second of "createdAt" above SECOND_SHIFT bits,
// and below them the user's own rowid (the migration's "UserSearchSource").
const SECOND_SHIFT = 29n;
const USER_ROWID_MASK = (1n << SECOND_SHIFT) - 1n;
const AFTER_EVERY_KEY = (1n << 63n) - 1n;

/** The FTS5 query: the text as one phrase (trigrams in a row), or a word prefix. */
function ftsQuery(search: NonNullable<Search>): string {
  const phrase = `"${search.text.replace(/"/g, '""')}"`;
  return search.kind === "substring" ? phrase : `${phrase} *`;
}

function sqliteSearchPage(db: Db, search: NonNullable<Search>, page: Page): Promise<ListedUserRow[]> {
  const table = Prisma.raw(search.kind === "substring" ? `"UserSearch"` : `"UserWordSearch"`);
  const match = ftsQuery(search);
  // Keys below `older` are in seconds before the cursor's; `below` ends the cursor's own second.
  const second = page.after ? BigInt(Math.floor(page.after.createdAt.getTime() / 1000)) : null;
  const older = second === null ? AFTER_EVERY_KEY : second << SECOND_SHIFT;
  const below = second === null ? AFTER_EVERY_KEY : (second + 1n) << SECOND_SHIFT;
  const flags = flagConditions(page.flags, "u");
  const conditions = [...flags];
  if (page.after) conditions.push(keysetAfterSql(page.after, "u"));
  // The user's row by the rowid inside the key: one b-tree search instead of
  // the entry's "userId" and then the id's index.
  const user = (key: string) => Prisma.sql`JOIN "User" u ON u."rowid" = (${Prisma.raw(key)} & ${USER_ROWID_MASK})`;
  // One pass over the index: the `take` newest matches before the cursor's
  // second ("top"), then only the rest of the second where they ended (a
  // narrow range: usually no row), and the cursor's own second. Every match
  // newer than what is left out, sorted exactly below.
  const cursorSecond = page.after
    ? Prisma.sql`UNION ALL SELECT c."rowid" FROM ${table} c WHERE c.${table} MATCH ${match} AND c."rowid" >= ${older} AND c."rowid" < ${below}`
    : Prisma.empty;
  return pageQuery<ListedUserRow>(
    db,
    Prisma.sql`
    WITH "top" AS MATERIALIZED (
      SELECT n."rowid" AS "key" FROM ${table} n ${flags.length ? user(`n."rowid"`) : Prisma.empty}
      WHERE n.${table} MATCH ${match} AND n."rowid" < ${older} ${Prisma.join([Prisma.empty, ...flags], " AND ")}
      ORDER BY n."rowid" DESC LIMIT ${page.take}),
    "edge" AS (SELECT coalesce(min("key"), ${older}) AS "last" FROM "top")
    SELECT ${Prisma.raw(listedUserColumns)} FROM (
      SELECT "key" FROM "top"
      UNION ALL SELECT r."rowid" FROM ${table} r WHERE r.${table} MATCH ${match}
        AND r."rowid" >= (SELECT ("last" >> ${SECOND_SHIFT}) << ${SECOND_SHIFT} FROM "edge") AND r."rowid" < (SELECT "last" FROM "edge")
      ${cursorSecond}) m
    ${user(`m."key"`)} LEFT JOIN "Login" l ON l."userId" = u."id"
    ${where(conditions)}
    ORDER BY ${keysetOrderSql("u")}
    LIMIT ${page.take}`,
  );
}

/** Escapes LIKE's wildcards (% and _) and its escape character. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function postgresSearchPage(db: Db, search: NonNullable<Search>, page: Page): Promise<ListedUserRow[]> {
  const folded = foldSearchText(search.text);
  const conditions =
    search.kind === "substring"
      ? [Prisma.sql`s."text" LIKE ${`%${likeLiteral(folded)}%`}`]
      : [Prisma.sql`s."words" LIKE ${`% ${folded}%`}`];
  if (page.after) conditions.push(Prisma.sql`(s."createdAt", s."userId") < (${page.after.createdAt}, ${page.after.id})`);
  const flags = flagConditions(page.flags, "f");
  if (flags.length)
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "User" f WHERE f."id" = s."userId" AND ${Prisma.join(flags, " AND ")})`);
  // Every hot entry is newer than every cold one (user-search-tiers.ts), so
  // the hot tier's matches come first; the Append runs the cold tier's part
  // only when the hot one returned fewer than `take`.
  const tier = (hot: boolean) => Prisma.sql`(
      SELECT s."userId" FROM "UserSearch" s WHERE ${Prisma.raw(hot ? `s."hot"` : `NOT s."hot"`)} AND ${Prisma.join(conditions, " AND ")}
      ORDER BY s."createdAt" DESC, s."userId" DESC LIMIT ${page.take})`;
  return pageQuery<ListedUserRow>(
    db,
    Prisma.sql`
    SELECT ${Prisma.raw(listedUserColumns)}
    FROM (${tier(true)} UNION ALL ${tier(false)} LIMIT ${page.take}) m
    JOIN "User" u ON u."id" = m."userId" LEFT JOIN "Login" l ON l."userId" = u."id"
    ORDER BY ${keysetOrderSql("u")}`,
  );
}
