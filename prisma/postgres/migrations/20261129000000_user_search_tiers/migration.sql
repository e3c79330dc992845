-- The admin search's newest users in a tier of their own (docs/search.md).
--
-- A GIN index yields matches in no useful order, so a text a few thousand
-- users share was read in full to find its 50 newest. Each entry of
-- "UserSearch" is now "hot" (among the newest users) or cold, each tier with
-- its own trigram index: a page reads the hot tier first (its index a few
-- percent of the whole) and reads the cold tier only when the hot one held
-- fewer matches than the page needs. Every hot entry is newer than every
-- cold one: "UserSearchTier" holds the newest cold entry's place in the list
-- ("createdAt", "userId"), and an entry is hot when it is after that place.
-- The pruning round (src/server/db/user-search-tiers.ts) moves the oldest hot
-- entries beyond the newest 65,536 to the cold tier and moves the place on.

ALTER TABLE "UserSearch" ADD COLUMN "hot" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "UserSearchTier" (
  "id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
  -- The newest cold entry (none yet: every entry is hot).
  "coldUntilAt" TIMESTAMP(3),
  "coldUntilId" TEXT
);
INSERT INTO "UserSearchTier" ("id") VALUES (1);

CREATE OR REPLACE FUNCTION user_search_refresh(target TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "UserSearch" ("userId", "createdAt", "text", "words", "hot")
  SELECT s."userId", s."createdAt", s."text", s."words",
         t."coldUntilAt" IS NULL OR (s."createdAt", s."userId") > (t."coldUntilAt", t."coldUntilId")
  FROM "UserSearchSource" s CROSS JOIN "UserSearchTier" t WHERE s."userId" = target
  ON CONFLICT ("userId") DO UPDATE SET "createdAt" = excluded."createdAt", "text" = excluded."text",
    "words" = excluded."words", "hot" = excluded."hot"
$$;

-- The users that exist already: the newest 65,536 hot, the rest cold.
UPDATE "UserSearch" SET "hot" = true WHERE "userId" IN (
  SELECT "userId" FROM "UserSearch" ORDER BY "createdAt" DESC, "userId" DESC LIMIT 65536
);
UPDATE "UserSearchTier" t SET "coldUntilAt" = c."createdAt", "coldUntilId" = c."userId" FROM (
  SELECT "createdAt", "userId" FROM "UserSearch" WHERE NOT "hot" ORDER BY "createdAt" DESC, "userId" DESC LIMIT 1
) c WHERE t."id" = 1;

DROP INDEX "UserSearch_trgm_idx";
DROP INDEX "UserSearch_order_idx";
CREATE INDEX "UserSearch_hot_trgm_idx" ON "UserSearch" USING gin ("text" gin_trgm_ops, "words" gin_trgm_ops) WHERE "hot";
CREATE INDEX "UserSearch_cold_trgm_idx" ON "UserSearch" USING gin ("text" gin_trgm_ops, "words" gin_trgm_ops) WHERE NOT "hot";
-- Newest first with what a search filters on, for texts many users match, and the hot tier oldest first, for the move.
CREATE INDEX "UserSearch_order_idx" ON "UserSearch" ("createdAt" DESC, "userId" DESC) INCLUDE ("hot", "text", "words");
CREATE INDEX "UserSearch_hot_idx" ON "UserSearch" ("createdAt", "userId") WHERE "hot";
