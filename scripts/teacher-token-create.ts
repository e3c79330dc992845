// npm run teacher-token:create -- [--max-uses N] [--days D] [--note TEXT]
// Prints a new teacher invitation token (shown this once; stored hashed).
import { z } from "zod";
import { ConfigError, parseConfig } from "../src/env";
import { createDb } from "../src/server/db/client";
import { createTeacherToken } from "../src/server/services/teacher-tokens";
import { teacherTokenOptions } from "../src/shared/schemas/teacher-token";
import { cliOptions } from "./cli-args";
import { migrate } from "./migrate";

async function main() {
  const args = cliOptions({ "max-uses": { type: "string" }, days: { type: "string" }, note: { type: "string" } });
  const options = teacherTokenOptions.parse({
    maxUses: args["max-uses"] === undefined ? undefined : Number(args["max-uses"]),
    expiresInDays: args.days === undefined ? undefined : Number(args.days),
    note: args.note,
  });
  const config = parseConfig(process.env);
  await migrate(config.DATABASE_URL, { quiet: true });
  const db = createDb(config.DATABASE_URL);
  try {
    const { token, expiresAt } = await createTeacherToken(db, options);
    console.log(token);
    console.error(`Valid until ${expiresAt.toISOString()} for ${options.maxUses ?? 1} registration(s).`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  const message =
    error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n") : error instanceof Error ? error.message : String(error);
  console.error(error instanceof ConfigError ? error.message : message);
  process.exit(1);
});
