// Compiles the server entry (scripts/serve.ts) into dist/serve.js, which
// `npm start` runs with plain node: our server code bundled into one file,
// every package left to node_modules (native and WebAssembly modules load
// from there, as in Next.js's own build). Part of `npm run build`.
import { build } from "esbuild";

await build({
  entryPoints: ["scripts/serve.ts"],
  outfile: "dist/serve.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  // The generated Prisma clients ask import.meta.url for their folder; CommonJS has __filename.
  define: { "import.meta.url": "__importMetaUrl" },
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
