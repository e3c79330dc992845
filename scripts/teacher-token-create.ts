// npm run teacher-token:create -- [--max-uses N] [--days D] [--note TEXT] [--email ADDRESS | --domain DOMAIN]
// Prints a new teacher invitation token (shown this once; stored hashed),
// usable by anyone who holds it, or only by one address or one domain's addresses.
import { z } from "zod";
import { ConfigError, parseConfig } from "../src/env";
import { createDb } from "../src/server/db/client";
import { migrate } from "../src/server/db/migrate";
import { bindingLabel, createTeacherTokenFromCommandLine } from "../src/server/services/teacher-tokens";
import { teacherTokenOptions } from "../src/shared/schemas/teacher-token";
import { cliOptions } from "./cli-args";

async function main() {
  const args = cliOptions({
    "max-uses": { type: "string" },
    days: { type: "string" },
    note: { type: "string" },
    email: { type: "string" },
    domain: { type: "string" },
  });
  const options = teacherTokenOptions.parse({
    maxUses: args["max-uses"] === undefined ? undefined : Number(args["max-uses"]),
    expiresInDays: args.days === undefined ? undefined : Number(args.days),
    note: args.note,
    email: args.email,
    domain: args.domain,
  });
  const config = parseConfig(process.env);
  await migrate(config.DATABASE_URL, { quiet: true });
  const db = createDb(config.DATABASE_URL);
  try {
    const created = await createTeacherTokenFromCommandLine(db, options);
    console.log(created.token);
    const binding = bindingLabel(created);
    console.error(`Valid until ${created.expiresAt.toISOString()} for ${created.maxUses} registration(s)${binding ? `, ${binding}` : ""}.`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  const message =
    error instanceof z.ZodError
      ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(error instanceof ConfigError ? error.message : message);
  process.exit(1);
});
