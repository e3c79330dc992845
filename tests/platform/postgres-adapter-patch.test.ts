// prisma migrate deploy on PostgreSQL needs our patch to @prisma/adapter-pg
// (upstream prisma/orm#27403: the `name` and `char` column types). This fails
// if patch-package did not apply it.
import fs from "node:fs";
import { describe, expect, it } from "vitest";

describe("@prisma/adapter-pg patch", () => {
  it.each(["index.js", "index.mjs"])("maps OIDs 18 and 19 to text in dist/%s", (file) => {
    const source = fs.readFileSync(`node_modules/@prisma/adapter-pg/dist/${file}`, "utf8");
    expect(source).toMatch(/case 18:\s*case 19:\s*case ScalarColumnType\.BPCHAR:/);
  });
});
