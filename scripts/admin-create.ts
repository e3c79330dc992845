// npm run admin:create -- --email E --name N [--promote] [--replace-unverified]
// Creates a verified administrator. An account that already holds the address
// is never promoted unless its address is confirmed and --promote is given;
// an unconfirmed one is deleted and replaced only with --replace-unverified.
// The password comes from ADMIN_PASSWORD or a terminal prompt.
import readline from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../src/env";
import { AppError } from "../src/server/app-error";
import { createDb } from "../src/server/db/client";
import { migrate } from "../src/server/db/migrate";
import { type AddressHolder, bootstrapAdmin } from "../src/server/services/admin-bootstrap";

/** Exit codes: what a calling script can branch on. */
const EXIT = { done: 0, failed: 1, usage: 2, refused: 3 } as const;

const USAGE = `Usage: npm run admin:create -- --email admin@school.example --name "Ada Admin" [--promote] [--replace-unverified]

  --email E              the admin's address (required)
  --name N               the new account's name (required to create one)
  --promote              if a verified account already holds the address, make it an admin;
                         it keeps its own password (ADMIN_PASSWORD is not applied)
  --replace-unverified   if an unverified account holds the address, delete it (its sessions,
                         links and queued mail) and create the admin in its place

The password of a new account comes from ADMIN_PASSWORD, or is asked for on a terminal.
Exit codes: 0 done, 1 failed, 2 wrong usage, 3 refused (an account holds the address; nothing changed).`;

class UsageError extends Error {}

/** Admins need a second factor to act on other users (MFA_REQUIRED_FOR, default "admin"). */
const SECOND_FACTOR_NEXT =
  "Next: log in at /login, open /account and set up two-step verification (an authenticator app or a passkey). " +
  "Until then the admin dashboard answers SECOND_FACTOR_REQUIRED (see MFA_REQUIRED_FOR in docs/configuration.md).";

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

function readArgs() {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        email: { type: "string" },
        name: { type: "string" },
        promote: { type: "boolean", default: false },
        "replace-unverified": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (error) {
    // parseArgs names the unknown or malformed option.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** An error as the person at the terminal reads it: a refused field names its option. */
function messageOf(error: unknown): string {
  if (error instanceof AppError && error.appCode === "VALIDATION_FAILED") {
    const [field, messages] = Object.entries(error.details.fieldErrors ?? {})[0] ?? [];
    const source = field === "password" ? "The password" : field ? `--${field}` : null;
    if (source && messages?.[0]) return `${source}: ${messages[0]} Nothing was changed.`;
  }
  if (error instanceof ConfigError || error instanceof Error) return error.message;
  return String(error);
}

function describeAccount(holder: AddressHolder): string {
  return `"${holder.name}", user ${holder.userId}, registered ${holder.createdAt.toISOString()}`;
}

async function main(): Promise<number> {
  const args = readArgs();
  if (args.help) {
    console.log(USAGE);
    return EXIT.done;
  }
  if (!args.email) throw new UsageError("--email is required.");
  const config = parseConfig(process.env);
  await migrate(config.DATABASE_URL, { quiet: true });
  const db = createDb(config.DATABASE_URL);
  try {
    const result = await bootstrapAdmin(db, {
      email: args.email,
      name: args.name,
      promote: args.promote,
      replaceUnverified: args["replace-unverified"],
      password: () => process.env.ADMIN_PASSWORD ?? promptPassword(),
      beforeReplace: (holder) =>
        console.log(
          `--replace-unverified: ${args.email} is held by an unverified account (${describeAccount(holder)}). ` +
            `Deleting it with its ${holder.sessions} session(s), ${holder.links} unused link(s) and its queued mail, ` +
            `then creating the admin in its place.`,
        ),
    });
    switch (result.outcome) {
      case "created":
        console.log(`Created admin ${result.email} (user ${result.userId}).`);
        console.log(SECOND_FACTOR_NEXT);
        return EXIT.done;
      case "replaced":
        console.log(
          `Created admin ${result.email} (user ${result.userId}). The unverified account ${result.replaced.userId} is deleted: ` +
            `its sessions and links no longer work, ${result.mailsDropped} queued mail(s) dropped.`,
        );
        console.log(SECOND_FACTOR_NEXT);
        return EXIT.done;
      case "promoted":
        console.log(`Promoted ${result.email} ("${result.name}", user ${result.userId}) to admin.`);
        console.log(
          `The account's existing password stands${process.env.ADMIN_PASSWORD !== undefined ? ": ADMIN_PASSWORD was not applied" : ""}; ` +
            `whoever knows it can now log in as an admin.` +
            (args.name !== undefined && args.name.trim() !== result.name ? ` --name was not applied either.` : ""),
        );
        console.log(SECOND_FACTOR_NEXT);
        return EXIT.done;
      case "already-admin":
        console.log(`${result.email} ("${result.name}", user ${result.userId}) is already an admin. Nothing was changed.`);
        return EXIT.done;
      case "refused":
        if (result.reason === "verified-account") {
          console.error(
            `Refused: ${result.email} already belongs to a verified account (${describeAccount(result.holder)}). Nothing was changed.\n` +
              `To make that account an admin, run again with --promote: it keeps its own password (ADMIN_PASSWORD is not applied).`,
          );
        } else {
          console.error(
            `Refused: ${result.email} belongs to an account whose address was never confirmed (${describeAccount(result.holder)}). ` +
              `Anyone can register an address, so that account is never promoted${args.promote ? " (not even with --promote)" : ""}. Nothing was changed.\n` +
              `To delete it (its ${result.holder.sessions} session(s), ${result.holder.links} unused link(s) and queued mail) ` +
              `and create the admin in its place, run again with --replace-unverified.`,
          );
        }
        return EXIT.refused;
    }
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(EXIT.usage);
    }
    console.error(messageOf(error));
    process.exit(EXIT.failed);
  },
);
