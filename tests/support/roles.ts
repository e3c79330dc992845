// One user of each kind, logged in, for permission tests.

import { logInAs, seedUser } from "./accounts";
import type { TestApp } from "./test-app";

export const CALLER_KINDS = ["anonymous", "unverified", "student", "privilegedStudent", "teacher", "admin"] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export type Cast = Awaited<ReturnType<typeof seedCast>>;

/**
 * Seeds an admin (plus a second admin, so demotions are possible), a teacher,
 * a privileged student, a student, an unverified user and a target student.
 * Each verified user gets a session token; the unverified one cannot log in.
 */
export async function seedCast(app: TestApp) {
  const admin = await seedUser(app, { name: "Ada Admin", admin: true });
  const admin2 = await seedUser(app, { name: "Second Admin", admin: true });
  const teacher = await seedUser(app, { name: "Tess Teacher", teacher: true });
  const privilegedStudent = await seedUser(app, { name: "Pia Privileged", privilegedStudent: true });
  const student = await seedUser(app, { name: "Sam Student" });
  const unverified = await seedUser(app, { name: "Una Unverified", verified: false });
  const target = await seedUser(app, { name: "Tom Target" });
  const tokens = {
    admin: await logInAs(app, admin.email),
    admin2: await logInAs(app, admin2.email),
    teacher: await logInAs(app, teacher.email),
    privilegedStudent: await logInAs(app, privilegedStudent.email),
    student: await logInAs(app, student.email),
  };
  const users = { admin, admin2, teacher, privilegedStudent, student, unverified, target };
  /** A caller for a kind: anonymous and unverified have no session. */
  const as = (kind: CallerKind) => (kind === "anonymous" || kind === "unverified" ? app.caller() : app.caller({ token: tokens[kind] }));
  return { users, tokens, as };
}

/** Everything a refused call must leave untouched. */
export async function snapshot(app: TestApp) {
  // Settle the outbox first: the worker handles earlier requests' mail after
  // they answered (and drops requests for unknown addresses).
  await app.services.mail.kick();
  const [users, sessions, tokens, audit, outbox, logins] = await Promise.all([
    app.db.user.findMany({
      orderBy: { id: "asc" },
      select: { id: true, name: true, teacher: true, admin: true, privilegedStudent: true, reportSpammer: true },
    }),
    app.db.session.count(),
    app.db.teacherToken.findMany({ orderBy: { id: "asc" }, select: { id: true, uses: true, revokedAt: true } }),
    app.db.auditEntry.count(),
    app.db.outboxEmail.count(),
    app.db.login.findMany({ orderBy: { id: "asc" }, select: { id: true, email: true, passwordHash: true, pendingEmail: true } }),
  ]);
  return { users, sessions, tokens, audit, outbox, logins };
}
