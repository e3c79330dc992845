// Seed helpers: accounts made through the real services, as a person would.
import { hashPassword } from "@/server/auth/password";
import type { TestApp } from "./test-app";

let counter = 0;

export const PASSWORD = "correct horse battery staple";

export function freshEmail(prefix = "user"): string {
  return `${prefix}${++counter}-${process.pid}-${Date.now()}@school.example`;
}

/** A user with a login; verified unless told otherwise. */
export async function seedUser(
  app: TestApp,
  options: { email?: string; name?: string; verified?: boolean; teacher?: boolean; admin?: boolean; privilegedStudent?: boolean } = {},
) {
  const email = options.email ?? freshEmail();
  const user = await app.db.user.create({
    data: {
      name: options.name ?? "Test Person",
      teacher: options.teacher ?? false,
      admin: options.admin ?? false,
      privilegedStudent: options.privilegedStudent ?? false,
      login: {
        create: {
          email,
          passwordHash: await hashPassword(PASSWORD),
          emailVerifiedAt: options.verified === false ? null : new Date(),
        },
      },
    },
  });
  return { ...user, email, password: PASSWORD };
}

/** Logs a user in through session.create and returns the bearer token. */
export async function logInAs(app: TestApp, email: string, password = PASSWORD): Promise<string> {
  const resHeaders = new Headers();
  await app.caller({ resHeaders }).session.create({ email, password });
  return cookieValue(resHeaders, "session")!;
}

/** The value a response's Set-Cookie gives a cookie (by name, with or without the __Host- prefix). */
export function cookieValue(resHeaders: Headers, name: string): string | null {
  const cookie = resHeaders.getSetCookie().find((c) => c.startsWith(`${name}=`) || c.startsWith(`__Host-${name}=`));
  return cookie ? decodeURIComponent(cookie.split(";")[0]!.split("=")[1]!) : null;
}

/** A new verified user, logged in: the user and their session token. */
export async function signedIn(app: TestApp, options: Parameters<typeof seedUser>[1] = {}) {
  const user = await seedUser(app, options);
  return { user, token: await logInAs(app, user.email) };
}
