-- Substring search of the user list (admin.listUsers `query`) through
-- trigram full-text indexes, so that it does not scan every user.
-- FTS5 external-content tables index "Login"."email" and "User"."name" by
-- the rowid of their rows; the triggers keep them current. A later migration
-- that redefines "User" or "Login" (copy, drop, rename) must recreate these
-- triggers and end with the two 'rebuild' statements below.

CREATE VIRTUAL TABLE "LoginEmailSearch" USING fts5("email", tokenize = 'trigram case_sensitive 0', content = 'Login', content_rowid = 'rowid');
CREATE VIRTUAL TABLE "UserNameSearch" USING fts5("name", tokenize = 'trigram case_sensitive 0', content = 'User', content_rowid = 'rowid');

CREATE TRIGGER "Login_search_insert" AFTER INSERT ON "Login" BEGIN
  INSERT INTO "LoginEmailSearch" ("rowid", "email") VALUES (new."rowid", new."email");
END;
CREATE TRIGGER "Login_search_delete" AFTER DELETE ON "Login" BEGIN
  INSERT INTO "LoginEmailSearch" ("LoginEmailSearch", "rowid", "email") VALUES ('delete', old."rowid", old."email");
END;
CREATE TRIGGER "Login_search_update" AFTER UPDATE OF "email" ON "Login" BEGIN
  INSERT INTO "LoginEmailSearch" ("LoginEmailSearch", "rowid", "email") VALUES ('delete', old."rowid", old."email");
  INSERT INTO "LoginEmailSearch" ("rowid", "email") VALUES (new."rowid", new."email");
END;

CREATE TRIGGER "User_search_insert" AFTER INSERT ON "User" BEGIN
  INSERT INTO "UserNameSearch" ("rowid", "name") VALUES (new."rowid", new."name");
END;
CREATE TRIGGER "User_search_delete" AFTER DELETE ON "User" BEGIN
  INSERT INTO "UserNameSearch" ("UserNameSearch", "rowid", "name") VALUES ('delete', old."rowid", old."name");
END;
CREATE TRIGGER "User_search_update" AFTER UPDATE OF "name" ON "User" BEGIN
  INSERT INTO "UserNameSearch" ("UserNameSearch", "rowid", "name") VALUES ('delete', old."rowid", old."name");
  INSERT INTO "UserNameSearch" ("rowid", "name") VALUES (new."rowid", new."name");
END;

-- Index the rows that exist already.
INSERT INTO "LoginEmailSearch" ("LoginEmailSearch") VALUES ('rebuild');
INSERT INTO "UserNameSearch" ("UserNameSearch") VALUES ('rebuild');
