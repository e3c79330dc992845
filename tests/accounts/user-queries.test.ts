// The user and login queries (db/users.ts) on a real database: each read
// returns exactly its field list (a password hash only where a password is
// checked), and each write changes its own row, only while its condition
// holds, and never another user's.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as users from "@/server/db/users";
import { fileDatabase } from "../support/databases";

const db = fileDatabase();

const VERIFIED_AT = new Date("2026-01-02T03:04:05.000Z");
const NOW = new Date("2026-06-07T08:09:10.000Z");

/** A user with a login, made here (not through the code under test). */
async function user(options: { admin?: boolean; verified?: boolean; pendingEmail?: string } = {}) {
  const email = `${randomUUID()}@school.example`;
  const row = await db().user.create({
    data: {
      name: `Name ${email.slice(0, 6)}`,
      admin: options.admin ?? false,
      login: {
        create: {
          email,
          passwordHash: `hash-${email}`,
          emailVerifiedAt: options.verified === false ? null : VERIFIED_AT,
          pendingEmail: options.pendingEmail ?? null,
        },
      },
    },
  });
  return { id: row.id, name: row.name, email, passwordHash: `hash-${email}` };
}

/** Every user and login row, to compare before and after a write. */
async function everything() {
  const [u, l] = await Promise.all([db().user.findMany({ orderBy: { id: "asc" } }), db().login.findMany({ orderBy: { userId: "asc" } })]);
  return { users: u, logins: l };
}

/** Runs a write and checks that only `userId`'s rows changed; returns its result. */
async function onlyChanges<T>(userId: string, write: () => Promise<T>): Promise<T> {
  const before = await everything();
  const result = await write();
  const after = await everything();
  expect(after.users.filter((u) => u.id !== userId)).toEqual(before.users.filter((u) => u.id !== userId));
  expect(after.logins.filter((l) => l.userId !== userId)).toEqual(before.logins.filter((l) => l.userId !== userId));
  return result;
}

const loginOf = (userId: string) => db().login.findUniqueOrThrow({ where: { userId } });

describe("reads return exactly their fields", () => {
  it("of a user", async () => {
    const a = await user({ pendingEmail: "next@school.example" });
    const flags = { id: a.id, name: a.name, teacher: false, admin: false, privilegedStudent: false, reportSpammer: false };
    const profile = await users.findUserProfile(db(), a.id);
    expect(profile).toEqual({
      ...flags,
      createdAt: expect.any(Date),
      login: { email: a.email, emailVerifiedAt: VERIFIED_AT, pendingEmail: "next@school.example" },
    });
    expect(await users.findUserFlags(db(), a.id)).toEqual(flags);
    expect(await users.findUserFlagsWithEmail(db(), a.id)).toEqual({ ...flags, login: { email: a.email } });
    expect(await users.findUserLabel(db(), a.id)).toEqual({ id: a.id, name: a.name, login: { email: a.email } });
    expect(await users.findUserAdminFlag(db(), a.id)).toEqual({ id: a.id, admin: false });
    expect(await users.findMailRecipientByUserId(db(), a.id)).toEqual({
      id: a.id,
      name: a.name,
      login: { email: a.email, emailVerifiedAt: VERIFIED_AT, pendingEmail: "next@school.example" },
    });
    const raw = await users.findUserFlagsRaw(db(), a.id);
    expect(raw && Object.keys(raw).sort()).toEqual(Object.keys(flags).sort());
    expect(await users.findUserFlagsRaw(db(), "nobody")).toBeUndefined();
  });

  it("of a login, the hash only where a password is checked", async () => {
    const a = await user();
    expect(await users.findLoginHolder(db(), a.email)).toEqual({ confirmed: true });
    expect(await users.findLoginHolder(db(), "nobody@school.example")).toBeNull();
    expect(await users.findLoginOwner(db(), a.email)).toEqual({ userId: a.id });
    expect(await users.findLoginOwnerWithName(db(), a.email)).toEqual({
      userId: a.id,
      emailVerifiedAt: VERIFIED_AT,
      user: { name: a.name },
    });
    expect(await users.findMailRecipientByEmail(db(), a.email)).toEqual({
      userId: a.id,
      email: a.email,
      emailVerifiedAt: VERIFIED_AT,
      pendingEmail: null,
      user: { name: a.name },
    });
    expect(await users.findLoginForReplacement(db(), a.email)).toEqual({
      userId: a.id,
      emailVerifiedAt: VERIFIED_AT,
      pendingEmail: null,
      createdAt: expect.any(Date),
    });
    expect(await users.findLoginWithHash(db(), a.id)).toEqual({ userId: a.id, email: a.email, passwordHash: a.passwordHash });
    expect(await users.findLoginEmail(db(), a.id)).toEqual({ email: a.email });
    expect(await users.findLoginAddresses(db(), a.id)).toEqual({ email: a.email, pendingEmail: null, emailVerifiedAt: VERIFIED_AT });
  });

  it("of the holder of an address, counting its sessions and its unused links only", async () => {
    const a = await user({ admin: true });
    const b = await user();
    const expiresAt = new Date(Date.now() + 3600_000);
    await db().session.createMany({
      data: [
        { tokenHash: randomUUID(), userId: a.id, expiresAt },
        { tokenHash: randomUUID(), userId: a.id, expiresAt },
        { tokenHash: randomUUID(), userId: b.id, expiresAt },
      ],
    });
    await db().emailVerificationToken.createMany({
      data: [
        { tokenHash: randomUUID(), userId: a.id, email: a.email, expiresAt },
        { tokenHash: randomUUID(), userId: a.id, email: a.email, expiresAt, usedAt: new Date() },
        { tokenHash: randomUUID(), userId: b.id, email: b.email, expiresAt },
      ],
    });
    expect(await users.findAddressHolderRow(db(), a.email)).toEqual({
      emailVerifiedAt: VERIFIED_AT,
      user: { id: a.id, name: a.name, admin: true, createdAt: expect.any(Date), _count: { sessions: 2, emailVerificationTokens: 1 } },
    });
  });

  it("of several users or addresses, only those asked for", async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    expect(await users.findLoginEmailsByUserIds(db(), [a.id, c.id, "nobody"])).toEqual(
      new Map([
        [a.id, a.email],
        [c.id, c.email],
      ]),
    );
    expect(await users.findLoginOwnersByEmails(db(), [b.email, "nobody@school.example"])).toEqual(new Map([[b.email, b.id]]));
  });

  it("counts the admins other than the user", async () => {
    const others = await users.countOtherAdmins(db(), "nobody");
    const [a, b, c] = [await user({ admin: true }), await user({ admin: true }), await user()];
    expect(await users.countOtherAdmins(db(), a.id)).toBe(others + 1);
    expect(await users.countOtherAdmins(db(), b.id)).toBe(others + 1);
    expect(await users.countOtherAdmins(db(), c.id)).toBe(others + 2);
  });
});

describe("writes change their own rows only", () => {
  it("flags, name, creation and deletion", async () => {
    const a = await user();
    const flags = await onlyChanges(a.id, () => users.updateUserFlags(db(), a.id, { teacher: true }));
    expect(flags).toEqual({ id: a.id, name: a.name, teacher: true, admin: false, privilegedStudent: false, reportSpammer: false });
    await onlyChanges(a.id, () => users.setUserName(db(), a.id, "Renamed"));
    expect((await db().user.findUniqueOrThrow({ where: { id: a.id } })).name).toBe("Renamed");
    const created = await users.createUserWithLogin(
      db(),
      { name: "New", teacher: true },
      { email: "created@school.example", passwordHash: "h", emailVerifiedAt: null },
    );
    expect(Object.keys(created)).toEqual(["id"]);
    expect(await db().login.findUniqueOrThrow({ where: { email: "created@school.example" } })).toMatchObject({ userId: created.id });
    await onlyChanges(a.id, () => users.deleteUserById(db(), a.id));
    expect(await db().login.count({ where: { userId: a.id } })).toBe(0);
  });

  it("promotes only the confirmed holder of the address, once", async () => {
    const holder = await user();
    const unverified = await user({ verified: false });
    expect(await onlyChanges(holder.id, () => users.promoteConfirmedHolder(db(), holder.id, unverified.email))).toBe(false);
    expect(await onlyChanges(unverified.id, () => users.promoteConfirmedHolder(db(), unverified.id, unverified.email))).toBe(false);
    expect(await onlyChanges(holder.id, () => users.promoteConfirmedHolder(db(), holder.id, holder.email))).toBe(true);
    expect((await db().user.findUniqueOrThrow({ where: { id: holder.id } })).admin).toBe(true);
    expect(await users.promoteConfirmedHolder(db(), holder.id, holder.email)).toBe(false);
  });

  it("a password hash is replaced only while it is still the one read; whether it was", async () => {
    const a = await user();
    expect(await onlyChanges(a.id, () => users.updatePasswordHashIfUnchanged(db(), a.id, "stale", "rehash"))).toBe(false);
    expect((await loginOf(a.id)).passwordHash).toBe(a.passwordHash);
    expect(await onlyChanges(a.id, () => users.updatePasswordHashIfUnchanged(db(), a.id, a.passwordHash, "rehash"))).toBe(true);
    expect((await loginOf(a.id)).passwordHash).toBe("rehash");
  });

  it("a pending address: set, cleared (whether there was one), confirmed only while it is still the one asked for", async () => {
    const a = await user();
    expect(await onlyChanges(a.id, () => users.clearPendingEmail(db(), a.id))).toBe(false);
    // Set only while the password is still the one the request proved.
    expect(await onlyChanges(a.id, () => users.setPendingEmailIfPasswordIs(db(), a.id, "next@school.example", "stale"))).toBe(false);
    expect((await loginOf(a.id)).pendingEmail).toBeNull();
    expect(await onlyChanges(a.id, () => users.setPendingEmailIfPasswordIs(db(), a.id, "next@school.example", a.passwordHash))).toBe(true);
    expect((await loginOf(a.id)).pendingEmail).toBe("next@school.example");
    expect(await onlyChanges(a.id, () => users.confirmPendingEmail(db(), a.id, "other@school.example", NOW))).toBe(false);
    expect(await loginOf(a.id)).toMatchObject({ email: a.email, pendingEmail: "next@school.example", emailVerifiedAt: VERIFIED_AT });
    expect(await onlyChanges(a.id, () => users.clearPendingEmail(db(), a.id))).toBe(true);
    expect((await loginOf(a.id)).pendingEmail).toBeNull();
    await users.setPendingEmailIfPasswordIs(db(), a.id, "next@school.example", a.passwordHash);
    expect(await onlyChanges(a.id, () => users.confirmPendingEmail(db(), a.id, "next@school.example", NOW))).toBe(true);
    expect(await loginOf(a.id)).toMatchObject({ email: "next@school.example", pendingEmail: null, emailVerifiedAt: NOW });
  });

  it("confirms an address only while it is the login's; a first confirmation never moves an earlier one", async () => {
    const a = await user({ verified: false });
    expect(await onlyChanges(a.id, () => users.markEmailVerified(db(), a.id, "other@school.example", NOW))).toBe(false);
    expect((await loginOf(a.id)).emailVerifiedAt).toBeNull();
    expect(await onlyChanges(a.id, () => users.markEmailVerified(db(), a.id, a.email, NOW))).toBe(true);
    expect((await loginOf(a.id)).emailVerifiedAt).toEqual(NOW);
    // Confirmed already: not again (a sign-up link outlived by a reset).
    expect(await onlyChanges(a.id, () => users.markEmailVerified(db(), a.id, a.email, new Date(NOW.getTime() + 1000)))).toBe(false);
    expect((await loginOf(a.id)).emailVerifiedAt).toEqual(NOW);
    const b = await user({ verified: false });
    await onlyChanges(b.id, () => users.markUnverifiedEmailVerified(db(), b.id, NOW));
    expect((await loginOf(b.id)).emailVerifiedAt).toEqual(NOW);
    await users.markUnverifiedEmailVerified(db(), b.id, new Date(NOW.getTime() + 1000));
    expect((await loginOf(b.id)).emailVerifiedAt).toEqual(NOW);
  });

  it("a reset sets the password only while the login has the address; taking an address back moves and confirms it", async () => {
    const a = await user({ pendingEmail: "next@school.example" });
    expect(await onlyChanges(a.id, () => users.resetLoginPassword(db(), a.id, "old@school.example", "new-hash", false, NOW))).toBe(false);
    expect(await loginOf(a.id)).toMatchObject({ passwordHash: a.passwordHash, pendingEmail: "next@school.example" });
    expect(await onlyChanges(a.id, () => users.resetLoginPassword(db(), a.id, a.email, "new-hash", false, NOW))).toBe(true);
    expect(await loginOf(a.id)).toMatchObject({
      email: a.email,
      passwordHash: "new-hash",
      pendingEmail: null,
      emailVerifiedAt: VERIFIED_AT,
    });
    expect(await onlyChanges(a.id, () => users.resetLoginPassword(db(), a.id, "old@school.example", "back-hash", true, NOW))).toBe(true);
    expect(await loginOf(a.id)).toMatchObject({
      email: "old@school.example",
      passwordHash: "back-hash",
      pendingEmail: null,
      emailVerifiedAt: NOW,
    });
  });
});
