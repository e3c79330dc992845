// The first administrator, created from the command line (npm run admin:create).
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashPassword } from "../auth/password";
import type { Db } from "../db/client";
import { emailSchema, nameSchema, passwordSchema } from "@/shared/schemas/fields";

export async function createAdmin(
  db: Db,
  input: { email: string; name: string; password: string },
): Promise<{ created: boolean; userId: string; email: string }> {
  const email = emailSchema.parse(input.email);
  const name = nameSchema.parse(input.name);
  const existing = await db.login.findUnique({ where: { email }, select: { userId: true } });
  if (existing) {
    await db.$transaction([
      db.user.update({ where: { id: existing.userId }, data: { admin: true } }),
      db.login.updateMany({ where: { userId: existing.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } }),
    ]);
    return { created: false, userId: existing.userId, email };
  }
  const password = passwordSchema.parse(input.password);
  assertAcceptablePassword(password, { emails: [email], names: [name] });
  const user = await db.user.create({
    data: {
      name,
      admin: true,
      login: { create: { email, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() } },
    },
    select: { id: true },
  });
  return { created: true, userId: user.id, email };
}
