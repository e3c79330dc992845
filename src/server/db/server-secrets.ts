// Secrets the server makes for itself: created once (the first instance to
// ask wins the race), then read by every instance from the database, so no
// configuration is needed and all instances agree.
import { randomBytes } from "node:crypto";
import type { Db } from "./client";

export type ServerSecretName = "device-cookie" | "totp-seal";

/** The named 32-byte secret, created on first use. */
export async function serverSecret(db: Db, name: ServerSecretName): Promise<Buffer> {
  const value = randomBytes(32).toString("base64url");
  // INSERT … ON CONFLICT DO NOTHING: parallel first uses keep one value.
  await db.$executeRaw`INSERT INTO "ServerSecret" ("name", "value") VALUES (${name}, ${value}) ON CONFLICT ("name") DO NOTHING`;
  const row = await db.serverSecret.findUniqueOrThrow({ where: { name }, select: { value: true } });
  return Buffer.from(row.value, "base64url");
}
