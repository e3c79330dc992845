// Writes the appCode table of docs/errors.md from src/shared/app-codes.ts.
//   npm run docs:errors
import fs from "node:fs";
import { appCodesMarkdownTable } from "../src/shared/app-codes-table";

const file = "docs/errors.md";
const doc = fs.readFileSync(file, "utf8");
const start = "<!-- app-codes:start -->";
const end = "<!-- app-codes:end -->";
const next = `${doc.slice(0, doc.indexOf(start) + start.length)}\n${appCodesMarkdownTable()}\n${doc.slice(doc.indexOf(end))}`;
fs.writeFileSync(file, next);
console.log(`updated ${file}`);
