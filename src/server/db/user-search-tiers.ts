// PostgreSQL's admin search keeps its newest users in a tier of their own
// (migration 20261129000000_user_search_tiers, docs/search.md): a page reads
// the hot tier's small trigram index first and the cold tier's only when the
// hot one held too few matches. New users join the hot tier; this moves the
// oldest hot entries beyond the newest HOT_TIER_SIZE to the cold tier, in
// batches with a pause between them, from the pruning round. SQLite needs
// none of it: its search index returns matches newest first.
import { type Db, kindOf } from "./client";
import { letRequestsIn } from "./let-requests-in";

/**
 * Users in the hot tier after a move. A search that the newest 65,536 users
 * match at least 51 times (one in 1,300) never reads the cold tier; a rarer
 * one reads the cold tier's few matches.
 */
export const HOT_TIER_SIZE = 65_536;

/** Entries per statement: each is one short transaction. */
const BATCH = 1000;

/**
 * Moves the oldest hot entries beyond the newest `hotSize` to the cold tier,
 * and the tier's boundary with them, in one statement per batch (so every hot
 * entry stays newer than every cold one). Returns how many moved.
 */
export async function settleUserSearchTiers(db: Db, hotSize = HOT_TIER_SIZE, batch = BATCH): Promise<number> {
  if (kindOf(db) !== "postgres") return 0;
  const [{ hot }] = await db.$queryRaw<[{ hot: number }]>`SELECT count(*)::int AS "hot" FROM "UserSearch" WHERE "hot"`;
  let excess = hot - hotSize;
  let moved = 0;
  while (excess > 0) {
    const started = performance.now();
    const [{ count }] = await db.$queryRaw<[{ count: number }]>`
      WITH "moved" AS (
        UPDATE "UserSearch" s SET "hot" = false WHERE s."userId" IN (
          SELECT "userId" FROM "UserSearch" WHERE "hot" ORDER BY "createdAt", "userId" LIMIT ${Math.min(batch, excess)}
        ) RETURNING s."createdAt", s."userId"
      ), "newest" AS (
        UPDATE "UserSearchTier" t SET "coldUntilAt" = n."createdAt", "coldUntilId" = n."userId"
        FROM (SELECT "createdAt", "userId" FROM "moved" ORDER BY "createdAt" DESC, "userId" DESC LIMIT 1) n
        WHERE t."id" = 1 AND (t."coldUntilAt" IS NULL OR (n."createdAt", n."userId") > (t."coldUntilAt", t."coldUntilId"))
      )
      SELECT count(*)::int AS "count" FROM "moved"`;
    if (count === 0) break;
    moved += count;
    excess -= count;
    if (excess > 0) await letRequestsIn(started);
  }
  return moved;
}

/**
 * Sets both tiers from scratch, for a table filled in bulk with the triggers
 * off (the benchmark's seeding): the newest `hotSize` entries hot, the rest
 * cold, and the boundary at the newest cold one. Plain SQL with $1 = hotSize.
 */
export const SPLIT_USER_SEARCH_TIERS = [
  `WITH "newest" AS (SELECT "userId" FROM "UserSearch" ORDER BY "createdAt" DESC, "userId" DESC LIMIT $1)
   UPDATE "UserSearch" s SET "hot" = NOT s."hot" WHERE s."hot" <> (s."userId" IN (SELECT "userId" FROM "newest"))`,
  `UPDATE "UserSearchTier" t SET "coldUntilAt" = c."createdAt", "coldUntilId" = c."userId" FROM (
     SELECT "createdAt", "userId" FROM "UserSearch" WHERE NOT "hot" ORDER BY "createdAt" DESC, "userId" DESC LIMIT 1
   ) c WHERE t."id" = 1`,
];
