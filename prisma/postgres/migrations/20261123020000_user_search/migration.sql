-- Substring search of the user list (admin.listUsers `query`) through
-- trigram indexes (pg_trgm, a trusted extension shipped with PostgreSQL), so
-- that ILIKE '%…%' does not scan every user.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX "Login_email_trgm_idx" ON "Login" USING gin ("email" gin_trgm_ops);
CREATE INDEX "User_name_trgm_idx" ON "User" USING gin ("name" gin_trgm_ops);
