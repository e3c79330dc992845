// npm run admin:create -- --email E --name N
// Creates a verified administrator, or promotes the existing account with
// that address. The password comes from ADMIN_PASSWORD or a terminal prompt.
import readline from "node:readline";
import { Writable } from "node:stream";
import { ConfigError, parseConfig } from "../src/env";
import { createDb } from "../src/server/db/client";
import { createAdmin } from "../src/server/services/admin-bootstrap";
import { cliOptions } from "./cli-args";
import { migrate } from "./migrate";

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new Error("Set ADMIN_PASSWORD, or run this on a terminal to be asked for the password.");
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      rl.question(q, (answer) => resolve(answer));
      muted = true;
    });
  const first = await ask("Password for the new admin: ");
  muted = false;
  process.stdout.write("\n");
  const second = await ask("Repeat the password: ");
  muted = false;
  process.stdout.write("\n");
  rl.close();
  if (first !== second) throw new Error("The passwords do not match.");
  return first;
}

async function main() {
  const args = cliOptions({ email: { type: "string" }, name: { type: "string" } });
  if (!args.email || !args.name) throw new Error('Usage: npm run admin:create -- --email admin@school.example --name "Ada Admin"');
  const config = parseConfig(process.env);
  await migrate(config.DATABASE_URL, { quiet: true });
  const password = process.env.ADMIN_PASSWORD ?? (await promptPassword());
  const db = createDb(config.DATABASE_URL);
  try {
    const result = await createAdmin(db, { email: args.email, name: args.name, password });
    console.log(`${result.created ? "Created" : "Promoted"} admin ${result.email} (user ${result.userId}).`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error));
  process.exit(1);
});
