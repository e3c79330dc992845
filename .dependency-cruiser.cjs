/** Layers that point one way (README, "Architecture"): pages and transports call
 * services, services call db/ and the lower server modules, shared/ imports
 * nothing of the server, nothing imports back up or in a circle, and every
 * module is reached from an entry point (the commands in scripts/, Next.js's
 * pages and route handlers).
 * Run by scripts/test.sh and checked in tests/platform/layers.test.ts:
 *   npx depcruise src scripts --config .dependency-cruiser.cjs
 * @type {import('dependency-cruiser').IConfiguration} */
const TRANSPORTS = "^src/server/(api|http|next)/";
const PAGES = "^src/(app|components|trpc)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A module must not import itself back through others.",
      from: {},
      to: { circular: true },
    },
    {
      name: "shared-is-the-bottom",
      severity: "error",
      comment: "src/shared is read by the server and the pages alike: it imports nothing of either.",
      from: { path: "^src/shared/" },
      to: { path: "^src/(server|app|components|trpc)/" },
    },
    {
      name: "db-calls-nothing-above",
      severity: "error",
      comment: "The query modules know no rules and no transport.",
      from: { path: "^src/server/db/" },
      to: { path: ["^src/server/(services|mail|api|http|auth)/", "^src/server/(boot|booted-app)\\.ts$", "^src/(app|components|trpc)/"] },
    },
    {
      name: "services-below-transports",
      severity: "error",
      comment: "Services hold the rules; they do not know tRPC, the REST APIs or the pages.",
      from: { path: "^src/server/(services|mail|auth)/" },
      to: { path: [TRANSPORTS, PAGES, "^src/server/(boot|booted-app)\\.ts$"] },
    },
    {
      name: "mail-below-services",
      severity: "error",
      comment: "The outbox and its templates are used by the services, never the other way round.",
      from: { path: "^src/server/mail/" },
      to: { path: "^src/server/services/" },
    },
    {
      name: "security-below-services",
      severity: "error",
      comment: "Passwords, tokens, cookies and rate limits (auth/) are used by the services, never the other way round.",
      from: { path: "^src/server/auth/" },
      to: { path: "^src/server/(services|mail)/" },
    },
    {
      name: "the-edge-knows-no-trpc",
      severity: "error",
      comment:
        "The HTTP edge and the REST APIs (http/) know no tRPC: the tRPC adapter (api/) plugs into the edge, and json-apis.ts joins them.",
      from: { path: "^src/server/http/" },
      to: { path: "^src/server/(api|next)/" },
    },
    {
      name: "trpc-knows-no-pages",
      severity: "error",
      comment: "The tRPC routers know nothing of the pages' helpers.",
      from: { path: "^src/server/api/" },
      to: { path: "^src/server/next/" },
    },
    {
      name: "transports-call-services-not-db",
      severity: "error",
      comment: "tRPC routers, the REST APIs and the pages reach the database only through services.",
      from: { path: [TRANSPORTS, PAGES] },
      to: { path: "^src/server/db/" },
    },
    {
      name: "reachable-from-an-entry",
      severity: "error",
      comment: "Every module is used by an entry point: the server entry and the commands (scripts/), or a Next.js page or route.",
      from: { path: ["^scripts/[^/]+\\.(ts|mjs)$", "^src/app/", "^src/instrumentation\\.ts$"] },
      to: {
        path: "^src/",
        // Next.js's own entry points (pages, layouts, route handlers, instrumentation) are reached by Next.js.
        pathNot: [
          "\\.d\\.ts$",
          "^src/server/db/generated/",
          "^src/app/.*(page|layout|route|forbidden|not-found|error)[.]tsx?$",
          "^src/instrumentation\\.ts$",
        ],
        reachable: false,
      },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A module nobody imports is dead code, unless it is an entry point.",
      from: {
        orphan: true,
        pathNot: [
          "\\.d\\.ts$",
          "^src/app/", // Next.js entry points: pages, layouts, route handlers
          "^src/instrumentation\\.ts$",
          "^scripts/", // command-line entry points
          "^src/server/db/generated/",
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^src/server/db/generated/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    skipAnalysisNotInRules: true,
  },
};
