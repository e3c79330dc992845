#!/usr/bin/env bash
# The whole test suite: type check, Vitest on SQLite and PostgreSQL, then the
# production build and the Playwright browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

echo "== type check"
npx tsc --noEmit -p .

echo "== unit, API and database tests (SQLite and PostgreSQL)"
npx vitest run

echo "== browser for the browser tests"
npx tsx scripts/check-chromium.ts

echo "== production build"
npx next build > data/build.log 2>&1 || { cat data/build.log; exit 1; }

echo "== browser tests (Chromium)"
npx playwright test
