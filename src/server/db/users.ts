// Users and their logins (address, password hash, pending address change).
// Every read returns a field list of selects.ts or a few named columns, never
// the password hash unless the caller checks a password.
import type { Db, Prisma } from "./client";
import { DriverStatement } from "./driver-statements";
import { flagsColumns, flagsSelect, type RawFlags, userSelect } from "./selects";

type Users = Pick<Db, "user">;
type Logins = Pick<Db, "login">;

/** A user as the account pages show them (selects.ts: userSelect). */
export async function findUserProfile(db: Users, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: userSelect });
}

// A hot read path (user info, after the session's own read): a prepared
// statement on the driver, like session validation's (db/sessions.ts).
const USER_FLAGS = new DriverStatement("user-flags", `SELECT ${flagsColumns("u")} FROM "User" u WHERE u."id" = ?`);

/** A user's flags, as the driver returns them (SQLite's flags 0 and 1). */
export async function findUserFlagsRaw(db: Db, userId: string): Promise<RawFlags | undefined> {
  const [row] = await USER_FLAGS.all<RawFlags>(db, [userId]);
  return row;
}

export async function findUserFlags(db: Users, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: flagsSelect });
}

/** A user's flags and the address that labels them in the audit log. */
export async function findUserFlagsWithEmail(db: Users, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: { ...flagsSelect, login: { select: { email: true } } } });
}

/** A user's name and address, to label them in the audit log. */
export async function findUserLabel(db: Users, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, login: { select: { email: true } } } });
}

export async function findUserAdminFlag(db: Users, userId: string) {
  return db.user.findUnique({ where: { id: userId }, select: { id: true, admin: true } });
}

/** The account a mail is for, by its user: name and address state. */
export async function findMailRecipientByUserId(db: Users, userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, login: { select: { email: true, emailVerifiedAt: true, pendingEmail: true } } },
  });
}

/** How many admins there are besides this user. */
export async function countOtherAdmins(db: Users, userId: string): Promise<number> {
  return db.user.count({ where: { admin: true, id: { not: userId } } });
}

export async function updateUserFlags(db: Users, userId: string, data: Prisma.UserUpdateInput) {
  return db.user.update({ where: { id: userId }, data, select: flagsSelect });
}

export async function setUserName(db: Users, userId: string, name: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { name } });
}

/** Deletes a user; sessions, links and the login go with it (ON DELETE CASCADE). */
export async function deleteUserById(db: Users, userId: string): Promise<void> {
  await db.user.delete({ where: { id: userId } });
}

/** Creates a user with its login; returns the new id. */
export async function createUserWithLogin(
  db: Users,
  user: { name: string; teacher?: boolean; admin?: boolean },
  login: { email: string; passwordHash: string; emailVerifiedAt: Date | null },
): Promise<{ id: string }> {
  return db.user.create({ data: { ...user, login: { create: login } }, select: { id: true } });
}

/** Makes a user admin only while it is still the confirmed holder of `email`; whether it was. */
export async function promoteConfirmedHolder(db: Users, userId: string, email: string): Promise<boolean> {
  const { count } = await db.user.updateMany({
    where: { id: userId, admin: false, login: { is: { email, emailVerifiedAt: { not: null } } } },
    data: { admin: true },
  });
  return count === 1;
}

// ---- logins

/** Whether an address has an account, and whether that account has confirmed it. */
export async function findLoginHolder(db: Logins, email: string): Promise<{ confirmed: boolean } | null> {
  const row = await db.login.findUnique({ where: { email }, select: { emailVerifiedAt: true } });
  return row && { confirmed: row.emailVerifiedAt !== null };
}

export async function findLoginOwner(db: Logins, email: string) {
  return db.login.findUnique({ where: { email }, select: { userId: true } });
}

/** The holder of an address with its name (the mail worker's "address in use"). */
export async function findLoginOwnerWithName(db: Logins, email: string) {
  return db.login.findUnique({ where: { email }, select: { userId: true, emailVerifiedAt: true, user: { select: { name: true } } } });
}

/** The account a mail is for, by the address a request named. */
export async function findMailRecipientByEmail(db: Logins, email: string) {
  return db.login.findUnique({
    where: { email },
    select: { userId: true, email: true, emailVerifiedAt: true, pendingEmail: true, user: { select: { name: true } } },
  });
}

/** What the admin command line shows of the account holding an address. */
export async function findAddressHolderRow(db: Logins, email: string) {
  return db.login.findUnique({
    where: { email },
    select: {
      emailVerifiedAt: true,
      user: {
        select: {
          id: true,
          name: true,
          admin: true,
          createdAt: true,
          _count: { select: { sessions: true, emailVerificationTokens: { where: { usedAt: null } } } },
        },
      },
    },
  });
}

/** The login of an address as the admin command line rechecks it inside its transaction. */
export async function findLoginForReplacement(db: Logins, email: string) {
  return db.login.findUnique({ where: { email }, select: { userId: true, emailVerifiedAt: true, pendingEmail: true, createdAt: true } });
}

/** The login with its password hash, to check a password. */
export async function findLoginWithHash(db: Logins, userId: string) {
  return db.login.findUnique({ where: { userId }, select: { userId: true, email: true, passwordHash: true } });
}

export async function findLoginEmail(db: Logins, userId: string) {
  return db.login.findUnique({ where: { userId }, select: { email: true } });
}

export async function findLoginAddresses(db: Logins, userId: string) {
  return db.login.findUnique({ where: { userId }, select: { email: true, pendingEmail: true, emailVerifiedAt: true } });
}

/** userId → address, for the users given. */
export async function findLoginEmailsByUserIds(db: Logins, userIds: string[]): Promise<Map<string, string>> {
  const logins = await db.login.findMany({ where: { userId: { in: userIds } }, select: { userId: true, email: true } });
  return new Map(logins.map((login) => [login.userId, login.email]));
}

/** address → userId, for the addresses given that an account holds. */
export async function findLoginOwnersByEmails(db: Logins, emails: string[]): Promise<Map<string, string>> {
  const logins = await db.login.findMany({ where: { email: { in: emails } }, select: { userId: true, email: true } });
  return new Map(logins.map((login) => [login.email, login.userId]));
}

/**
 * Replaces a hash only if it is still the one read (a rehash at log-in must
 * not undo a password change, nor a change confirmed by the old password a
 * reset made meanwhile); whether it did.
 */
export async function updatePasswordHashIfUnchanged(db: Logins, userId: string, oldHash: string, passwordHash: string): Promise<boolean> {
  const { count } = await db.login.updateMany({ where: { userId, passwordHash: oldHash }, data: { passwordHash } });
  return count === 1;
}

/** Sets the pending address, if the password is still the one the request proved (`passwordHash`); whether it did. */
export async function setPendingEmailIfPasswordIs(
  db: Logins,
  userId: string,
  pendingEmail: string,
  passwordHash: string,
): Promise<boolean> {
  const { count } = await db.login.updateMany({ where: { userId, passwordHash }, data: { pendingEmail } });
  return count === 1;
}

/** Forgets a pending address change; whether there was one. */
export async function clearPendingEmail(db: Logins, userId: string): Promise<boolean> {
  const { count } = await db.login.updateMany({ where: { userId, pendingEmail: { not: null } }, data: { pendingEmail: null } });
  return count > 0;
}

/** Moves the login to its pending address, if `email` is still that; whether it moved. */
export async function confirmPendingEmail(db: Logins, userId: string, email: string, now: Date): Promise<boolean> {
  const { count } = await db.login.updateMany({
    where: { userId, pendingEmail: email },
    data: { email, pendingEmail: null, emailVerifiedAt: now },
  });
  return count === 1;
}

/**
 * Marks the address confirmed, if it is still the login's and not confirmed
 * yet (a sign-up link outlived by a reset, which confirms too, must not log
 * in: the account may have a second factor by then); whether it did.
 */
export async function markEmailVerified(db: Logins, userId: string, email: string, now: Date): Promise<boolean> {
  const { count } = await db.login.updateMany({ where: { userId, email, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
  return count === 1;
}

/**
 * Sets a new password from a mailed link: only while the login still has
 * `email` (a reset link), or moving it back to `email` (`takeBack`, which also
 * confirms it). Drops a pending change. Whether the login was changed.
 */
export async function resetLoginPassword(
  db: Logins,
  userId: string,
  email: string,
  passwordHash: string,
  takeBack: boolean,
  now: Date,
): Promise<boolean> {
  const { count } = await db.login.updateMany({
    where: takeBack ? { userId } : { userId, email },
    data: { email, passwordHash, pendingEmail: null, ...(takeBack ? { emailVerifiedAt: now } : {}) },
  });
  return count === 1;
}

/**
 * Deletes the account (not `exceptUserId`) whose login holds `email` without
 * having confirmed it; whether one went. A take-back link proves the mailbox:
 * an account someone registered at that address meanwhile proved nothing.
 * An account a teacher or an admin gave a flag to stays: its removal would
 * go unaudited. The login row goes first, by a DELETE conditional on
 * the address still being unconfirmed: on PostgreSQL a confirmation
 * committing meanwhile updated that row, and the DELETE, having waited for
 * it, re-checks the condition and removes nothing (a condition on the user
 * row alone was not re-checked, and removed the just-confirmed account).
 */
export async function deleteUnconfirmedHolderOf(db: Users & Logins, email: string, exceptUserId: string | null): Promise<boolean> {
  const holder = await db.login.findFirst({
    where: {
      email,
      emailVerifiedAt: null,
      ...(exceptUserId === null ? {} : { userId: { not: exceptUserId } }),
      user: { teacher: false, admin: false, privilegedStudent: false, reportSpammer: false },
    },
    select: { userId: true },
  });
  if (!holder) return false;
  const { count } = await db.login.deleteMany({ where: { userId: holder.userId, email, emailVerifiedAt: null } });
  if (count === 0) return false;
  await db.user.delete({ where: { id: holder.userId } });
  return true;
}

/** Confirms the address of a login not yet confirmed. */
export async function markUnverifiedEmailVerified(db: Logins, userId: string, now: Date): Promise<void> {
  await db.login.updateMany({ where: { userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
}
