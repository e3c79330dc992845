// A TypeScript project outside the app (tests/type-consumer: strict, with
// exactOptionalPropertyTypes, no path alias, no JSX) gets the tRPC API's full
// types from `import type { AppRouter }` of the declarations that
// `npm run build:api-types` writes, and its deliberate mistakes do not compile.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { API_TYPES_DIR, buildApiTypes } from "../../scripts/api-types";

const CONSUMER = path.resolve("tests/type-consumer");

function consumerConfig(tsconfig: string): ts.ParsedCommandLine {
  const configFile = path.join(CONSUMER, tsconfig);
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, CONSUMER, undefined, configFile);
}

/** The complaints of tsc -p <tsconfig>, as "file(line): TScode: message". */
function compile(tsconfig: string): string[] {
  const parsed = consumerConfig(tsconfig);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].map((d) => {
    const where = d.file
      ? `${path.relative(CONSUMER, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})`
      : "tsconfig";
    return `${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}

/** The line of `export const <name>` in wrong-usage.ts. */
function lineOf(name: string): number {
  const lines = fs.readFileSync(path.join(CONSUMER, "wrong-usage.ts"), "utf8").split("\n");
  return lines.findIndex((line) => line.startsWith(`export const ${name} `)) + 1;
}

// It needs no database, and both projects at once would write build/api-types
// together: it runs in the SQLite project only.
describe.runIf(process.env.TEST_DB === "sqlite")("an outside TypeScript project", () => {
  beforeAll(() => {
    expect(buildApiTypes()).toEqual([]);
  }, 180_000);

  it("compiles a typed client of AppRouter under its own strict tsconfig", () => {
    expect(compile("tsconfig.json")).toEqual([]);
  }, 120_000);

  it("can resolve every module the declarations import, with its own settings", () => {
    const { options } = consumerConfig("tsconfig.json");
    const unresolved: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith(".d.ts")) {
          for (const { fileName } of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
            if (!ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule) {
              unresolved.push(`${path.relative(API_TYPES_DIR, file)}: ${fileName}`);
            }
          }
        }
      }
    };
    walk(API_TYPES_DIR);
    expect(unresolved).toEqual([]);
  });

  it("fails on each deliberate mistake, so the types did not fall to any", () => {
    const expected: [string, number, string][] = [
      ["wrongInput", 2322, "Type 'number' is not assignable to type 'string'."],
      ["unknownProcedure", 2339, "Property 'nothing' does not exist on type"],
      ["wrongOutput", 2322, "Type 'string' is not assignable to type 'number'."],
      ["queryAsMutation", 2339, "Property 'mutate' does not exist on type"],
      ["unknownAppCode", 2367, `and '"NO_SUCH_CODE"' have no overlap.`],
    ];
    const complaints = compile("tsconfig.must-fail.json");
    expect(complaints).toHaveLength(expected.length);
    for (const [name, code, text] of expected) {
      expect(complaints, name).toContainEqual(expect.stringMatching(new RegExp(`^wrong-usage\\.ts\\(${lineOf(name)}\\): TS${code}: `)));
      expect(
        complaints.find((c) => c.startsWith(`wrong-usage.ts(${lineOf(name)}): TS${code}`)),
        name,
      ).toContain(text);
    }
  }, 120_000);
});
