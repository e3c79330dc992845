// Writes the permission table of docs/permissions.md from src/shared/permissions.ts.
//   npm run docs:permissions
import fs from "node:fs";
import { permissionsMarkdownTable } from "../src/shared/permissions-table";

const file = "docs/permissions.md";
const doc = fs.readFileSync(file, "utf8");
const start = "<!-- permissions:start -->";
const end = "<!-- permissions:end -->";
const next = `${doc.slice(0, doc.indexOf(start) + start.length)}\n${permissionsMarkdownTable()}\n${doc.slice(doc.indexOf(end))}`;
fs.writeFileSync(file, next);
console.log(`updated ${file}`);
