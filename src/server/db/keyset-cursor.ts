// Keyset pagination over (createdAt, id), newest first: a page is one index
// seek whatever its depth, and stays stable while rows are added.
import { validationFailed } from "../app-error";
import { Prisma } from "./client";

export type Keyset = { createdAt: Date; id: string };

export function encodeCursor(row: Keyset): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

/**
 * The times a cursor may name: a row's, so from 1970 to well past now. Beyond
 * 2500 SQLite's search keys (the second shifted left 29 bits, user-search.ts)
 * leave 64 bits, and PostgreSQL refuses years past 9999: a forged cursor there
 * must be refused here, not fail in the database.
 */
const CURSOR_TIMES = { from: Date.UTC(1970, 0, 1), until: Date.UTC(2500, 0, 1) };
/** The form encodeCursor writes (toISOString of a four-digit year). */
const CURSOR_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The position a cursor names; a cursor that is not ours is VALIDATION_FAILED. */
export function decodeCursor(cursor: string | null | undefined): Keyset | null {
  if (!cursor) return null;
  const [iso = "", id, extra] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso);
  const time = createdAt.getTime();
  if (!id || extra !== undefined || !CURSOR_ISO.test(iso) || !(time >= CURSOR_TIMES.from && time < CURSOR_TIMES.until)) {
    throw validationFailed("cursor", "This cursor is not valid: pass nextCursor from the previous page.");
  }
  return { createdAt, id };
}

/**
 * The where clause for rows after a position, in (createdAt desc, id desc)
 * order. The leading `createdAt <= ?` lets both planners seek the index to the
 * position; with the OR alone they read every newer row and filter it out.
 */
export function keysetAfter(after: Keyset | null) {
  if (!after) return {};
  return {
    createdAt: { lte: after.createdAt },
    OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
  };
}

export const KEYSET_ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/**
 * keysetAfter for raw SQL, on the table aliased `alias`: a row-value
 * comparison, which SQLite and PostgreSQL both turn into one range of the
 * ("createdAt", "id") index (SEARCH … ((createdAt,id)<(?,?)); Index Cond).
 * Written as `a < ? OR (a = ? AND b < ?)` both scanned from the newest row:
 * 20 ms against 0.04 ms for a page 90 % deep in 200k rows on SQLite.
 */
export function keysetAfterSql(after: Keyset, alias: string): Prisma.Sql {
  return Prisma.sql`(${Prisma.raw(`${alias}."createdAt"`)}, ${Prisma.raw(`${alias}."id"`)}) < (${after.createdAt}, ${after.id})`;
}

export function keysetOrderSql(alias: string): Prisma.Sql {
  return Prisma.raw(`${alias}."createdAt" DESC, ${alias}."id" DESC`);
}
