// The condition that finds users whose email or name contains a search text,
// ignoring case, for the admin user list. Substrings of three or more
// characters go through trigram indexes (migration 20261123020000_user_search):
// pg_trgm GIN indexes on PostgreSQL, FTS5 trigram tables on SQLite. Shorter
// texts, or texts with LIKE's wildcard characters, are matched by a scan.
import { Prisma } from "./client";
import type { DatabaseKind } from "./database-url";

const TRIGRAM = 3;

/** Escapes LIKE's wildcards (% and _) and its escape character. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A condition on "User" u and "Login" l (joined on l."userId" = u."id"). */
export function userSearchCondition(kind: DatabaseKind, text: string): Prisma.Sql {
  const pattern = likePattern(text);
  const indexed = [...text].length >= TRIGRAM;
  if (kind === "postgres") {
    // The planner uses the GIN trigram indexes for ILIKE when it can; each
    // side of the union is one bitmap index scan.
    if (indexed) {
      return Prisma.sql`u."id" IN (
        SELECT "userId" FROM "Login" WHERE "email" ILIKE ${pattern}
        UNION SELECT "id" FROM "User" WHERE "name" ILIKE ${pattern})`;
    }
    return Prisma.sql`(l."email" ILIKE ${pattern} OR u."name" ILIKE ${pattern})`;
  }
  // FTS5's trigram LIKE cannot take an ESCAPE clause: texts with wildcards
  // are scanned. Without the index, SQLite's LIKE is case-insensitive for
  // ASCII, as the trigram tables are.
  if (indexed && !/[\\%_]/.test(text)) {
    return Prisma.sql`u."id" IN (
      SELECT "userId" FROM "Login" WHERE "rowid" IN (SELECT "rowid" FROM "LoginEmailSearch" WHERE "email" LIKE ${pattern})
      UNION SELECT "id" FROM "User" WHERE "rowid" IN (SELECT "rowid" FROM "UserNameSearch" WHERE "name" LIKE ${pattern}))`;
  }
  return Prisma.sql`(l."email" LIKE ${pattern} ESCAPE '\\' OR u."name" LIKE ${pattern} ESCAPE '\\')`;
}
