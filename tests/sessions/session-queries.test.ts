// The session queries (db/sessions.ts) on a real database: each touches the
// sessions it names and no other, of this user or any other, and the reads
// of live and expired sessions keep to their bounds.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deleteExpiredSessions } from "@/server/db/expired-sessions";
import { insertSession } from "@/server/db/login-statements";
import * as sessions from "@/server/db/sessions";
import { fileDatabase, testDbKind } from "../support/databases";
import { commitSettings } from "../support/postgres-commit-setting";
import { commitLevel } from "../support/sqlite-commit-level";

const db = fileDatabase();

const NOW = new Date("2026-06-07T08:00:00.000Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/** A user with sessions expiring at these offsets from NOW (seconds), last used in that order, oldest first. */
async function userWithSessions(...expiries: number[]) {
  const { id: userId } = await db().user.create({ data: { name: "S" } });
  const rows = [];
  for (const [i, expiry] of expiries.entries()) {
    rows.push(
      await db().session.create({
        data: { tokenHash: randomUUID(), userId, expiresAt: at(expiry), lastUsedAt: at(-1000 + i), ip: "192.0.2.1", userAgent: "UA" },
      }),
    );
  }
  return { userId, ids: rows.map((r) => r.id), tokenHashes: rows.map((r) => r.tokenHash) };
}

const allSessions = () => db().session.findMany({ orderBy: { id: "asc" } });

/** Runs a write; checks that the sessions it leaves are exactly those before but `gone`, unchanged. */
async function leavesAllBut<T>(gone: string[], write: () => Promise<T>): Promise<T> {
  const before = await allSessions();
  const result = await write();
  expect(await allSessions()).toEqual(before.filter((s) => !gone.includes(s.id)));
  return result;
}

describe("one session", () => {
  it("raising its assurance, or noting a new proof, changes only that session's columns", async () => {
    const a = await userWithSessions(60, 60);
    const b = await userWithSessions(60);
    const before = await allSessions();
    await sessions.raiseSessionAssurance(db(), a.ids[0]!, "totp", NOW);
    await sessions.markSessionAuthenticated(db(), a.ids[1]!, at(5));
    const after = await allSessions();
    const expected = before.map((row) => {
      if (row.id === a.ids[0]) return { ...row, aal: "aal2", method: "totp", authenticatedAt: NOW };
      if (row.id === a.ids[1]) return { ...row, authenticatedAt: at(5) };
      return row;
    });
    expect(after).toEqual(expected);
    const read = await sessions.findSessionWithFlagsByTokenHash(db(), a.tokenHashes[0]!);
    expect(read).toMatchObject({ sessionId: a.ids[0], aal: "aal2", method: "totp" });
    expect(new Date(read!.authenticatedAt!)).toEqual(NOW);
    expect(await sessions.findSessionWithFlagsByTokenHash(db(), b.tokenHashes[0]!)).toMatchObject({ aal: "aal1", method: "password" });
  });

  it("its owner and expiry, read by the token hash", async () => {
    const a = await userWithSessions(60);
    expect(await sessions.findSessionOwnerByTokenHash(db(), a.tokenHashes[0]!)).toEqual({ userId: a.userId, expiresAt: at(60) });
    expect(await sessions.findSessionOwnerByTokenHash(db(), "unknown")).toBeNull();
  });

  it("deleted by id, and by token hash (which says whose it was)", async () => {
    const a = await userWithSessions(60, 60);
    await userWithSessions(60);
    await leavesAllBut([a.ids[0]!], () => sessions.deleteSessionById(db(), a.ids[0]!));
    const ended = await leavesAllBut([a.ids[1]!], () => sessions.deleteSessionByTokenHash(db(), a.tokenHashes[1]!));
    expect(ended).toEqual({ id: a.ids[1], userId: a.userId });
    expect(await leavesAllBut([], () => sessions.deleteSessionByTokenHash(db(), "unknown"))).toBeUndefined();
  });

  it("touched: only its lastUsedAt changes", async () => {
    const a = await userWithSessions(60, 60);
    const before = await allSessions();
    await sessions.touchSession(db(), a.ids[0]!, at(5));
    expect(await allSessions()).toEqual(before.map((s) => (s.id === a.ids[0] ? { ...s, lastUsedAt: at(5) } : s)));
  });

  it("touched is bookkeeping: it does not wait for the disk", async () => {
    const a = await userWithSessions(60);
    if (testDbKind() === "sqlite") {
      expect(await commitLevel(db(), "write")).toBe(2); // FULL, as any write that is not bookkeeping leaves it
      await sessions.touchSession(db(), a.ids[0]!, at(5));
      expect(await commitLevel(db(), "read")).toBe(1);
    } else {
      expect(await commitSettings(db(), () => sessions.touchSession(db(), a.ids[0]!, at(6)))).toEqual([["session-touch", "off"]]);
    }
    expect((await db().session.findUniqueOrThrow({ where: { id: a.ids[0]! } })).lastUsedAt).toEqual(
      testDbKind() === "sqlite" ? at(5) : at(6),
    );
  });

  it("of a user, deleted by id only when it is that user's", async () => {
    const a = await userWithSessions(60);
    const b = await userWithSessions(60);
    expect(await leavesAllBut([], () => sessions.deleteSessionOfUser(db(), a.userId, b.ids[0]!))).toBe(0);
    expect(await leavesAllBut([a.ids[0]!], () => sessions.deleteSessionOfUser(db(), a.userId, a.ids[0]!))).toBe(1);
  });
});

describe("a user's sessions", () => {
  it("the live ones, most recently used first, without the token hash", async () => {
    const a = await userWithSessions(60, 0, 1, -5);
    await userWithSessions(60);
    const live = await sessions.findLiveSessionsOfUser(db(), a.userId, NOW);
    expect(live.map((s) => s.id)).toEqual([a.ids[2], a.ids[0]]);
    expect(live[0]).toEqual({
      id: a.ids[2],
      createdAt: expect.any(Date),
      lastUsedAt: at(-998),
      expiresAt: at(1),
      ip: "192.0.2.1",
      userAgent: "UA",
      aal: "aal1",
      method: "password",
    });
  });

  it("all deleted, or all but one; other users' stay", async () => {
    const a = await userWithSessions(60, 60, 60);
    await userWithSessions(60);
    expect(await leavesAllBut([a.ids[0]!, a.ids[2]!], () => sessions.deleteSessionsOfUser(db(), a.userId, a.ids[1]))).toBe(2);
    expect(await leavesAllBut([a.ids[1]!], () => sessions.deleteSessionsOfUser(db(), a.userId))).toBe(1);
  });
});

describe("expired sessions", () => {
  it("are deleted oldest expiry first, up to the number asked, at or before now; every other row stays", async () => {
    await db().session.deleteMany();
    const a = await userWithSessions(-10, 0, 1);
    const b = await userWithSessions(-20);
    expect(await leavesAllBut([b.ids[0]!, a.ids[0]!], () => deleteExpiredSessions(db(), NOW, 2))).toBe(2);
    expect(await leavesAllBut([a.ids[1]!], () => deleteExpiredSessions(db(), NOW, 10))).toBe(1);
    expect(await leavesAllBut([], () => deleteExpiredSessions(db(), NOW, 10))).toBe(0);
  });

  it.runIf(testDbKind() === "sqlite")(
    "a batch is bookkeeping on SQLite: it does not wait for the disk (synchronous = NORMAL)",
    async () => {
      await userWithSessions(-10);
      expect(await commitLevel(db(), "write")).toBe(2); // FULL, as any write that is not bookkeeping leaves it
      expect(await deleteExpiredSessions(db(), NOW, 10)).toBe(1);
      expect(await commitLevel(db(), "read")).toBe(1);
    },
  );
});

describe("a session stored after a password check", () => {
  const row = (userId: string, id = randomUUID()) => ({
    id,
    tokenHash: randomUUID(),
    userId,
    createdAt: NOW,
    expiresAt: at(3600),
    lastUsedAt: NOW,
    ip: "192.0.2.9",
    userAgent: "UA",
    aal: "aal1" as const,
    method: "password" as const,
    authenticatedAt: NOW,
  });

  it("is stored only while the login still has the hash that was checked; nothing else changes", async () => {
    const { id: userId } = await db().user.create({
      data: { name: "P", login: { create: { email: `${randomUUID()}@school.example`, passwordHash: "current-hash" } } },
    });
    const other = await userWithSessions(60);
    const stale = row(userId);
    expect(await leavesAllBut([], () => insertSession(db(), stale, [], "hash-before-a-reset"))).toBe(false);
    // Another user's hash is no pass either.
    expect(await leavesAllBut([], () => insertSession(db(), row(other.userId), [], "current-hash"))).toBe(false);
    const fresh = row(userId);
    expect(await insertSession(db(), fresh, [], "current-hash")).toBe(true);
    expect(await db().session.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({ userId, tokenHash: fresh.tokenHash });
    // Without a checked hash (a second step, a passkey) it is stored as it is.
    expect(await insertSession(db(), row(userId))).toBe(true);
  });

  // The log-in read "no second factor" before its hash; a factor set up
  // meanwhile (the owner's app, a passkey) must not be skipped by that log-in.
  it("is not stored once the user has gained a second factor since the log-in read the account", async () => {
    const { id: userId } = await db().user.create({
      data: { name: "Q", login: { create: { email: `${randomUUID()}@school.example`, passwordHash: "current-hash" } } },
    });
    await db().user.update({ where: { id: userId }, data: { secondFactor: true } });
    expect(await leavesAllBut([], () => insertSession(db(), row(userId), [], "current-hash"))).toBe(false);
    await db().user.update({ where: { id: userId }, data: { secondFactor: false } });
    expect(await insertSession(db(), row(userId), [], "current-hash")).toBe(true);
  });
});
