// Declarations of the tRPC API's types for client projects outside this one:
//   npm run build:api-types      writes build/api-types/ (AppRouter in server/api/root.d.ts)
// The app's own compiler options build them (its `@/` alias, its JSX), and the
// alias is then written as relative paths: a client needs neither, only
// @trpc/client and strict settings of its own (tests/type-consumer shows one).
// Declarations, not the sources: a client compiling the sources would compile
// the whole server (mail templates in JSX included) with its own options.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const API_TYPES_DIR = path.join(ROOT, "build/api-types");
const ENTRY = path.join(ROOT, "src/server/api/root.ts");
const SRC = path.join(ROOT, "src");

/** `from "@/x"` and `import("@/x")` in a declaration file, with the alias's target relative to that file. */
function withRelativeAlias(text: string, file: string, outDir: string): string {
  return text.replace(/(\bfrom\s+|\bimport\s*\(\s*)(["'])@\/([^"']+)\2/g, (_all, before: string, quote: string, target: string) => {
    let relative = path.relative(path.dirname(file), path.join(outDir, target)).split(path.sep).join("/");
    if (!relative.startsWith(".")) relative = `./${relative}`;
    return `${before}${quote}${relative}${quote}`;
  });
}

/** Writes the declarations to outDir; returns the compiler's complaints (none when it worked). */
export function buildApiTypes(outDir = API_TYPES_DIR): string[] {
  const configFile = path.join(ROOT, "tsconfig.json");
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile);
  // withRelativeAlias knows this one alias; another would need its own rewrite.
  if (JSON.stringify(options.paths) !== JSON.stringify({ "@/*": ["./src/*"] })) {
    return [`tsconfig.json's paths changed (${JSON.stringify(options.paths)}): teach scripts/api-types.ts the new alias`];
  }
  const program = ts.createProgram([ENTRY], {
    ...options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    incremental: false,
    tsBuildInfoFile: undefined,
    rootDir: SRC,
    outDir,
  });
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = program.emit(
    undefined,
    (file, text) => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, withRelativeAlias(text, file, outDir));
    },
    undefined,
    true,
  );
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...result.diagnostics];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = buildApiTypes();
  if (problems.length) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log(`wrote ${path.relative(process.cwd(), API_TYPES_DIR)}/ (AppRouter: server/api/root.d.ts)`);
}
