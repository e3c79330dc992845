#!/usr/bin/env sh
# Generates both Prisma clients (SQLite and PostgreSQL). Each run names a URL of
# its own kind: without one the CLI would try to download a query engine.
set -e
DATABASE_URL="file:./data/app.db" prisma generate --schema prisma/sqlite
DATABASE_URL="postgresql://localhost:5432/accounts" prisma generate --schema prisma/postgres
