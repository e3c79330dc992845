#!/usr/bin/env bash
# The whole test suite: type check, format and lint (Biome), unused files,
# exports and dependencies (knip), the layers' import rules, the production build (Next.js and the
# compiled server entry, which tests/platform/boot.test.ts and the browser tests
# start), Vitest on SQLite and PostgreSQL, then the Playwright browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

echo "== type check"
npx tsc --noEmit -p .

echo "== format and lint (Biome)"
npx biome check .

echo "== unused files, exports and dependencies (knip)"
npx knip

echo "== layers (dependency-cruiser)"
npx depcruise src scripts --config .dependency-cruiser.cjs

echo "== browser for the browser tests"
npx tsx scripts/check-chromium.ts

echo "== production build"
mkdir -p data
npm run build > data/build.log 2>&1 || { cat data/build.log; exit 1; }

echo "== unit, API, server and database tests (SQLite and PostgreSQL)"
npx vitest run

echo "== browser tests (Chromium)"
npx playwright test
