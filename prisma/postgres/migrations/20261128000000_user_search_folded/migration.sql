-- The admin user search, ignoring accents as well as case (docs/search.md).
-- Replaces the trigram indexes of 20261123020000_user_search.
--
-- "UserSearch" holds each user's name and address folded by search_fold
-- (NFKD, combining marks removed, lower case: the fold the app applies to the
-- search text, src/server/db/search-text.ts), kept by the triggers below.
-- "text" (name, line feed, address) takes substring searches through a
-- pg_trgm index, "words" (each run of letters and digits after a space) takes
-- the one- and two-character searches, which match the start of a word, as
-- LIKE '% xy%' through the same index. The covering index lists users newest
-- first with both, for searches that most users match.
--
-- search_fold and not unaccent(): unaccent also rewrites letters that have no
-- decomposition (ł, ø, ß, æ), which neither SQLite's FTS5 nor the app's fold
-- do, so the two databases would find different users.

DROP INDEX "Login_email_trgm_idx";
DROP INDEX "User_name_trgm_idx";

CREATE FUNCTION search_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(regexp_replace(normalize($1, NFKD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'));

CREATE FUNCTION search_words(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ' ' || btrim(regexp_replace($1, '[^[:alnum:]]+', ' ', 'g'));

CREATE TABLE "UserSearch" (
  "userId" TEXT NOT NULL PRIMARY KEY REFERENCES "User" ("id") ON DELETE CASCADE,
  "createdAt" TIMESTAMP(3) NOT NULL,
  "text" TEXT NOT NULL,
  "words" TEXT NOT NULL
);

-- Each user's entry as "User" and "Login" hold it now.
CREATE VIEW "UserSearchSource" AS
SELECT u."id" AS "userId", u."createdAt", f."text", search_words(f."text") AS "words"
FROM "User" u LEFT JOIN "Login" l ON l."userId" = u."id",
     LATERAL (SELECT search_fold(u."name") || E'\n' || coalesce(search_fold(l."email"), '') AS "text") f;

CREATE FUNCTION user_search_refresh(target TEXT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "UserSearch" ("userId", "createdAt", "text", "words")
  SELECT "userId", "createdAt", "text", "words" FROM "UserSearchSource" WHERE "userId" = target
  ON CONFLICT ("userId") DO UPDATE SET "createdAt" = excluded."createdAt", "text" = excluded."text", "words" = excluded."words"
$$;

-- The migration runner splits its script at every semicolon, so the trigger
-- functions' bodies write theirs as \003B.
CREATE FUNCTION user_search_sync_user() RETURNS trigger LANGUAGE plpgsql AS U&'BEGIN
  PERFORM user_search_refresh(NEW."id")\003B
  RETURN NULL\003B
END';

CREATE FUNCTION user_search_sync_login() RETURNS trigger LANGUAGE plpgsql AS U&'BEGIN
  IF TG_OP <> ''INSERT'' THEN PERFORM user_search_refresh(OLD."userId")\003B END IF\003B
  IF TG_OP <> ''DELETE'' THEN PERFORM user_search_refresh(NEW."userId")\003B END IF\003B
  RETURN NULL\003B
END';

-- A deleted user's entry goes by the foreign key's cascade.
CREATE TRIGGER "User_search_sync" AFTER INSERT OR UPDATE OF "name", "createdAt" ON "User"
  FOR EACH ROW EXECUTE FUNCTION user_search_sync_user();
CREATE TRIGGER "Login_search_sync" AFTER INSERT OR DELETE OR UPDATE OF "email", "userId" ON "Login"
  FOR EACH ROW EXECUTE FUNCTION user_search_sync_login();

-- Index the users that exist already.
INSERT INTO "UserSearch" ("userId", "createdAt", "text", "words")
SELECT "userId", "createdAt", "text", "words" FROM "UserSearchSource";

CREATE INDEX "UserSearch_trgm_idx" ON "UserSearch" USING gin ("text" gin_trgm_ops, "words" gin_trgm_ops);
CREATE INDEX "UserSearch_order_idx" ON "UserSearch" ("createdAt" DESC, "userId" DESC) INCLUDE ("text", "words");
