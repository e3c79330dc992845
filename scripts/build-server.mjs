// Compiles the server entry (scripts/serve.ts) into dist/serve.js, which
// `npm start` runs with plain node. Our code and the pure-JavaScript packages
// it needs from the start are bundled into that one file: Node then resolves
// and reads a few files at start instead of several hundred (a third less CPU
// to the first answer). Left to node_modules: native and WebAssembly modules
// (they load files beside them), Next.js and React (loaded with the first
// page), and what is loaded on first use (mail rendering and sending, the
// common-password list, WebAuthn, QR codes), plus pino, whose transports run files of their own.
// Part of `npm run build`.
import { build } from "esbuild";

await build({
  entryPoints: ["scripts/serve.ts"],
  outfile: "dist/serve.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  external: [
    "better-sqlite3",
    "@node-rs/argon2",
    "@prisma/client",
    "@prisma/client/*",
    "next",
    "next/*",
    "react",
    "react-dom",
    "@react-email/*",
    "resend",
    "@zxcvbn-ts/*",
    "pino",
    "pg-native",
    "@simplewebauthn/server",
    "qrcode",
  ],
  // The generated Prisma clients ask import.meta.url for their folder; CommonJS has __filename.
  define: { "import.meta.url": "__importMetaUrl" },
  banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
