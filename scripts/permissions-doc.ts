// Writes docs/permissions.md, all of it, from src/shared/permissions.ts.
//   npm run docs:permissions
import fs from "node:fs";
import { permissionsMarkdown } from "../src/shared/permissions-doc";

const file = "docs/permissions.md";
fs.writeFileSync(file, permissionsMarkdown());
console.log(`wrote ${file}`);
