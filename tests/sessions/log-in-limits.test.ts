// Log-in limits under attack: budgets taken before the password is checked
// (parallel guesses, batches), the hashing queue's bound, and device cookies
// that keep the owner's own browser out of an attacker's lockout.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HashPool, HashPoolFullError } from "@/server/auth/hash-pool";
import { hashPassword, hashPool } from "@/server/auth/password";
import { driverOf } from "@/server/db/client";
import { pruneRateLimits } from "@/server/db/rate-limit-store";
import { logIn } from "@/server/services/sessions";
import { RATE_LIMITS } from "@/shared/policy";
import { MAX_CALLS_PER_BATCH } from "@/shared/request-limits";
import { cookieValue, freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { testDbKind } from "../support/databases";
import { expectAppError } from "../support/expect-app-error";
import { commitSettings } from "../support/postgres-commit-setting";
import { refuseWrites } from "../support/refused-writes";
import { startLogIn, userWithTotp } from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const WRONG = "not the right password";
const PER_CLIENT = RATE_LIMITS.loginFailuresPerAccountAndClient.points;

/** Counts the argon2 verifications that start while `work` runs. */
async function countVerifications(work: () => Promise<unknown>): Promise<number> {
  const run = vi.spyOn(hashPool, "run");
  try {
    await work();
    return run.mock.calls.filter(([job]) => job.op === "verify").length;
  } finally {
    run.mockRestore();
  }
}

/** Ends every log-in failure window of an address, as if 15 minutes (or a day) had passed. */
async function passWindows(email: string) {
  await app.db.rateLimit.updateMany({ where: { key: { contains: email } }, data: { expire: new Date(Date.now() - 1000) } });
}

/** Logs in with a browser's cookies; returns the device cookie the answer sets. */
async function logInWithDevice(email: string, ip: string, device: string | null = null) {
  const resHeaders = new Headers();
  const headers: Record<string, string> = device ? { cookie: `device=${device}` } : {};
  await app.caller({ ip, headers, resHeaders }).session.create({ email, password: PASSWORD });
  return cookieValue(resHeaders, "device")!;
}

const fromDevice = (ip: string, device: string) => app.caller({ ip, headers: { cookie: `device=${device}` } });

describe("budgets are taken before the password is checked", () => {
  it(`60 parallel wrong guesses from one client verify at most ${PER_CLIENT} passwords, and the right one is refused until the window passes`, async () => {
    const user = await seedUser(app);
    const ip = "198.18.0.1";
    const verifications = await countVerifications(async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 60 }, () => app.caller({ ip }).session.create({ email: user.email, password: WRONG })),
      );
      const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { appCode: string }).appCode : "OK"));
      expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(PER_CLIENT);
      expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(60 - PER_CLIENT);
    });
    expect(verifications).toBeLessThanOrEqual(PER_CLIENT);
    const right = await countVerifications(() =>
      expectAppError(app.caller({ ip }).session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED"),
    );
    expect(right).toBe(0);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    await passWindows(user.email);
    await app.caller({ ip }).session.create({ email: user.email, password: PASSWORD });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("the right password among 40 parallel wrong ones gets no session once the budget is spent", async () => {
    const user = await seedUser(app);
    const ip = "198.18.0.2";
    const attempts = Array.from({ length: 41 }, (_, i) => (i === 40 ? PASSWORD : WRONG));
    // The right guess goes last: every point is taken before it is checked.
    const results = await Promise.allSettled(
      attempts.map((password) => app.caller({ ip }).session.create({ email: user.email, password })),
    );
    expect(results.at(-1)!.status).toBe("rejected");
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a successful log-in gives its point back; failures stay counted", async () => {
    const user = await seedUser(app);
    const ip = "198.18.0.3";
    for (let i = 0; i < PER_CLIENT - 1; i++) {
      await expectAppError(
        app.caller({ ip }).session.create({ email: user.email, password: WRONG }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    for (let i = 0; i < 3; i++) await app.caller({ ip }).session.create({ email: user.email, password: PASSWORD });
    await expectAppError(app.caller({ ip }).session.create({ email: user.email, password: WRONG }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    await expectAppError(app.caller({ ip }).session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
  });

  it("an unknown address is limited like a known one (same budgets, same answers)", async () => {
    const email = freshEmail("nobody");
    const ip = "198.18.0.4";
    for (let i = 0; i < PER_CLIENT; i++) {
      await expectAppError(app.caller({ ip }).session.create({ email, password: WRONG }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    }
    await expectAppError(app.caller({ ip }).session.create({ email, password: WRONG }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
  });
});

describe("batches", () => {
  async function batch(calls: { path: string; input: unknown }[], headers: Record<string, string> = {}) {
    const url = `${await app.httpUrl()}/api/trpc/${calls.map((c) => c.path).join(",")}?batch=1`;
    const body = Object.fromEntries(calls.map((c, i) => [String(i), c.input]));
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { res, body: (await res.json()) as { error?: { message: string; data: { appCode: string; httpStatus: number } } }[] };
  }

  it("a batch of 60 session.create calls is refused before any password is checked", async () => {
    const user = await seedUser(app);
    const calls = Array.from({ length: 60 }, () => ({ path: "session.create", input: { email: user.email, password: WRONG } }));
    const verifications = await countVerifications(async () => {
      const { res, body } = await batch(calls);
      expect(res.status).toBe(400);
      expect(body).toHaveLength(60);
      for (const item of body) expect(item.error?.data.appCode).toBe("BATCH_TOO_LARGE");
    });
    expect(verifications).toBe(0);
    expect(await app.db.rateLimit.count({ where: { key: { contains: user.email } } })).toBe(0);
  });

  it(`a batch holds at most ${MAX_CALLS_PER_BATCH} calls`, async () => {
    const queries = async (count: number) => {
      const res = await fetch(`${await app.httpUrl()}/api/trpc/${Array(count).fill("session.validate").join(",")}?batch=1&input={}`);
      return {
        status: res.status,
        codes: ((await res.json()) as { error: { data: { appCode: string } } }[]).map((item) => item.error.data.appCode),
      };
    };
    expect(await queries(MAX_CALLS_PER_BATCH)).toEqual({ status: 401, codes: Array(MAX_CALLS_PER_BATCH).fill("SESSION_INVALID") });
    expect(await queries(MAX_CALLS_PER_BATCH + 1)).toEqual({ status: 400, codes: Array(MAX_CALLS_PER_BATCH + 1).fill("BATCH_TOO_LARGE") });
    const res = await fetch(
      `${await app.httpUrl()}/api/trpc/${Array(MAX_CALLS_PER_BATCH + 2)
        .fill("session.validate")
        .join(",")}?batch=1&input={}`,
    );
    const [first] = (await res.json()) as { error: { message: string } }[];
    expect(first!.error.message).toBe(`A batch may hold at most ${MAX_CALLS_PER_BATCH} calls; this one holds ${MAX_CALLS_PER_BATCH + 2}.`);
  });

  it("a batch holds at most one call that checks or sets a password, whichever procedure", async () => {
    const user = await seedUser(app);
    const pairs: [string, unknown][] = [
      ["session.create", { email: user.email, password: WRONG }],
      ["user.register", { email: freshEmail("batch"), password: PASSWORD, name: "Batch" }],
      ["user.resetPassword", { token: "x".repeat(43), password: PASSWORD }],
      ["user.delete", { password: WRONG }],
      ["user.update", { password: { current: WRONG, next: "another long passphrase" } }],
      ["user.update", { email: freshEmail("batch-move"), currentPassword: WRONG }],
      ["user.startTotp", { password: WRONG }],
      ["user.regenerateRecoveryCodes", { password: WRONG, code: "123456" }],
      ["user.disableTotp", { password: WRONG, code: "123456" }],
      ["user.passkeyRegistrationOptions", { password: WRONG }],
      ["user.removePasskey", { id: "some-passkey", password: WRONG }],
    ];
    for (const [path, input] of pairs) {
      const verifications = await countVerifications(async () => {
        const { res, body } = await batch([
          { path: "session.create", input: { email: user.email, password: WRONG } },
          { path, input },
        ]);
        expect(res.status).toBe(400);
        expect(body.map((item) => item.error?.data.appCode)).toEqual(["BATCH_TOO_LARGE", "BATCH_TOO_LARGE"]);
      });
      expect(verifications).toBe(0);
    }
    // user.update without a password is not a password call.
    const { body } = await batch([
      { path: "session.create", input: { email: user.email, password: WRONG } },
      { path: "user.update", input: { name: "New Name" } },
    ]);
    expect(body.map((item) => item.error?.data.appCode)).toEqual(["INVALID_CREDENTIALS", "SESSION_INVALID"]);
    // Nor is a re-authentication by code, or by a recent log-in.
    const { body: byCode } = await batch([
      { path: "session.create", input: { email: user.email, password: WRONG } },
      { path: "user.passkeyRegistrationOptions", input: { code: "123456" } },
      { path: "user.removePasskey", input: { id: "some-passkey" } },
    ]);
    expect(byCode.map((item) => item.error?.data.appCode)).toEqual(["INVALID_CREDENTIALS", "SESSION_INVALID", "SESSION_INVALID"]);
    expect(await app.db.user.count({ where: { name: "Batch" } })).toBe(0);
  });

  it("calls whose input is JSON null are no password calls, and answer as usual (never a 500)", async () => {
    const { res, body } = await batch([
      { path: "session.delete", input: null },
      { path: "user.passkeyRegistrationOptions", input: null },
    ]);
    expect(res.status).toBe(401);
    expect(body.map((item) => item.error?.data.appCode)).toEqual(["SESSION_INVALID", "SESSION_INVALID"]);
  });

  it("a procedure that always hashes counts in a batch whatever its input, and the refusal says why", async () => {
    const user = await seedUser(app);
    for (const path of [
      "session.create",
      "user.register",
      "user.delete",
      "user.resetPassword",
      "user.startTotp",
      "user.regenerateRecoveryCodes",
      "user.disableTotp",
    ]) {
      const verifications = await countVerifications(async () => {
        const { res, body } = await batch([
          { path: "session.create", input: { email: user.email, password: WRONG } },
          { path, input: { passphrase: WRONG } },
        ]);
        expect(res.status, path).toBe(400);
        expect(body.map((item) => item.error?.data.appCode)).toEqual(["BATCH_TOO_LARGE", "BATCH_TOO_LARGE"]);
        expect(body[0]!.error?.message).toBe("A batch may hold at most one call that checks or sets a password: send them one at a time.");
      });
      expect(verifications, path).toBe(0);
    }
  });

  it("bodies other than JSON (multipart, octet-stream, form) are refused with UNSUPPORTED_MEDIA_TYPE and change nothing", async () => {
    const base = await app.httpUrl();
    const email = freshEmail("multipart");
    const form = new FormData();
    form.set("email", email);
    form.set("password", PASSWORD);
    form.set("name", "Multi Part");
    const bodies: [string, RequestInit][] = [
      ["multipart", { body: form }],
      ["octet-stream", { body: new Uint8Array([1, 2, 3]), headers: { "content-type": "application/octet-stream" } }],
      ["form", { body: `email=${email}`, headers: { "content-type": "application/x-www-form-urlencoded" } }],
      ["text", { body: JSON.stringify({ email, password: PASSWORD, name: "Text" }), headers: { "content-type": "text/plain" } }],
    ];
    for (const [kind, init] of bodies) {
      const res = await fetch(`${base}/api/trpc/user.register`, { method: "POST", ...init });
      const body = (await res.json()) as { error: { data: { appCode: string } } };
      expect({ kind, status: res.status, appCode: body.error.data.appCode }).toEqual({
        kind,
        status: 415,
        appCode: "UNSUPPORTED_MEDIA_TYPE",
      });
    }
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });
});

describe("the hashing queue is bounded", () => {
  it("past its bound a job is refused at once, and a log-in answers 503 OVERLOADED with Retry-After", async () => {
    const pool = new HashPool(1, 1, undefined, 2);
    const hash = await hashPassword(PASSWORD);
    try {
      const jobs = Array.from({ length: 3 }, () => pool.run({ op: "verify", hash, password: PASSWORD }));
      // One held by the thread, two waiting: the fourth is refused.
      await expect(pool.run({ op: "verify", hash, password: PASSWORD })).rejects.toThrow(/already waiting/);
      expect(await Promise.all(jobs)).toEqual([true, true, true]);
    } finally {
      await pool.close();
    }

    const user = await seedUser(app);
    const full = vi.spyOn(hashPool, "run").mockRejectedValue(new HashPoolFullError("full"));
    try {
      const res = await fetch(`${await app.httpUrl()}/api/trpc/session.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: user.email, password: PASSWORD }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(((await res.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe("OVERLOADED");
    } finally {
      full.mockRestore();
    }
    // The refused attempt checked nothing and cost nothing.
    const budgets = await app.db.rateLimit.findMany({ where: { key: { contains: user.email } } });
    for (const budget of budgets) expect(budget.points).toBe(0);
  });
});

describe("the hashing queue is shared fairly between clients", () => {
  it("a flood from one client gives up its newest job to another client's log-in, which runs after at most one of the flood's", async () => {
    const hash = await hashPassword(PASSWORD);
    const pool = new HashPool(1, 1, undefined, 4);
    const finished: string[] = [];
    const job = (client: string, label: string) =>
      pool.run<boolean>({ op: "verify", hash, password: PASSWORD }, { client, priority: client === "known" }).then(
        () => finished.push(label),
        (error: Error) => finished.push(`${label} refused: ${error.constructor.name}`),
      );
    try {
      const flood = Array.from({ length: 5 }, (_, i) => job("198.18.9.1", `flood ${i}`)); // one running, four waiting: full
      const own = job("198.18.9.2", "owner");
      const floodAgain = job("198.18.9.1", "flood 5"); // the flood's own newest is refused at once
      await Promise.all([...flood, own, floodAgain]);
    } finally {
      await pool.close();
    }
    expect(finished.filter((f) => f.includes("refused"))).toEqual([
      "flood 4 refused: HashPoolFullError",
      "flood 5 refused: HashPoolFullError",
    ]);
    expect(finished.filter((f) => !f.includes("refused"))).toEqual(["flood 0", "flood 1", "owner", "flood 2", "flood 3"]);
  });

  it("a browser known to the account goes ahead of everyone, even when every client holds one job", async () => {
    const hash = await hashPassword(PASSWORD);
    const pool = new HashPool(1, 1, undefined, 3);
    const finished: string[] = [];
    const job = (client: string, label: string) =>
      pool.run<boolean>({ op: "verify", hash, password: PASSWORD }, { client, priority: client === "known" }).then(
        () => finished.push(label),
        () => finished.push(`${label} refused`),
      );
    try {
      // Four clients of a distributed flood: one running, three waiting: full.
      const flood = Array.from({ length: 4 }, (_, i) => job(`198.18.10.${i}`, `flood ${i}`));
      const stranger = job("198.18.10.50", "new browser"); // refused: nobody holds more than it would
      const known = job("known", "known browser"); // evicts the newest flood job and goes first
      await Promise.all([...flood, stranger, known]);
    } finally {
      await pool.close();
    }
    expect(finished).toEqual(["new browser refused", "flood 3 refused", "flood 0", "known browser", "flood 1", "flood 2"]);
  });
});

describe("a known browser's place ahead of the queue", () => {
  // One account's browsers, flooding right passwords with their device
  // cookie, once held up everybody else's log-in (10 s for one answer).
  async function order(prioritySpacingMs?: number) {
    const hash = await hashPassword(PASSWORD);
    const pool = new HashPool(1, 1, undefined, 8);
    if (prioritySpacingMs !== undefined) pool.prioritySpacingMs = prioritySpacingMs;
    const finished: string[] = [];
    const job = (client: string, label: string, account?: string) =>
      pool
        .run<boolean>({ op: "verify", hash, password: PASSWORD }, account ? { client, priority: true, priorityKey: account } : { client })
        .then(
          () => finished.push(label),
          () => finished.push(`${label} refused`),
        );
    try {
      const jobs = [
        job("198.18.11.1", "flood 0"), // runs at once
        job("198.18.11.1", "flood 1"),
        job("198.18.11.1", "flood 2"),
        job("198.18.11.2", "stranger"),
        job("198.18.11.3", "known 1", "account-a"),
        job("198.18.11.3", "known 2", "account-a"),
        job("198.18.11.4", "other account", "account-b"),
      ];
      await Promise.all(jobs);
    } finally {
      await pool.close();
    }
    return finished;
  }

  it("goes ahead once per account every 10 seconds; the account's next jobs take their turn among the clients", async () => {
    expect(new HashPool().prioritySpacingMs).toBe(10_000);
    expect(await order()).toEqual(["flood 0", "known 1", "other account", "flood 1", "stranger", "known 2", "flood 2"]);
  });

  it("once the spacing has passed, the account goes ahead again", async () => {
    expect(await order(0)).toEqual(["flood 0", "known 1", "known 2", "other account", "flood 1", "stranger", "flood 2"]);
  });
});

describe("nobody can lock others out", () => {
  it("failures from many other clients lock out unknown clients, never the owner's known browser", async () => {
    const owner = await seedUser(app);
    const device = await logInWithDevice(owner.email, "198.18.1.1");
    const clients = RATE_LIMITS.loginFailuresPerAccount.points / PER_CLIENT;
    for (let c = 0; c < clients; c++) {
      await Promise.all(
        Array.from({ length: PER_CLIENT }, () =>
          expectAppError(
            app.caller({ ip: `198.18.2.${c}` }).session.create({ email: owner.email, password: WRONG }),
            "UNAUTHORIZED",
            "INVALID_CREDENTIALS",
          ),
        ),
      );
    }
    // A client that never failed is refused now: the address's budget for unknown clients is spent …
    await expectAppError(
      app.caller({ ip: "198.18.3.1" }).session.create({ email: owner.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    // … but the owner's browser, from its usual address or any other, logs in.
    await fromDevice("198.18.1.1", device).session.create({ email: owner.email, password: PASSWORD });
    await fromDevice("198.18.2.0", device).session.create({ email: owner.email, password: PASSWORD });
    expect(await app.db.session.count({ where: { userId: owner.id } })).toBe(3);
  });

  it("a school's NAT: another client's failures behind the same address do not stop a teacher's known browser", async () => {
    const nat = "198.18.4.1";
    const teacher = await seedUser(app, { teacher: true });
    const device = await logInWithDevice(teacher.email, nat);
    for (let i = 0; i < RATE_LIMITS.loginFailuresPerClient.points; i++) {
      await expectAppError(
        app.caller({ ip: nat }).session.create({ email: freshEmail("spray"), password: WRONG }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    // A new browser behind the NAT waits; the teacher's known one does not.
    await expectAppError(
      app.caller({ ip: nat }).session.create({ email: teacher.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    await fromDevice(nat, device).session.create({ email: teacher.email, password: PASSWORD });
  });

  it("a known browser has a failure budget of its own, and guessing with it spends only that", async () => {
    const owner = await seedUser(app);
    const device = await logInWithDevice(owner.email, "198.18.5.1");
    for (let i = 0; i < RATE_LIMITS.loginFailuresPerDevice.points; i++) {
      await expectAppError(
        fromDevice("198.18.5.1", device).session.create({ email: owner.email, password: WRONG }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    await expectAppError(
      fromDevice("198.18.5.1", device).session.create({ email: owner.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    // The address's budgets for unknown clients were not touched.
    await app.caller({ ip: "198.18.5.1" }).session.create({ email: owner.email, password: PASSWORD });
  });

  it("a device cookie is trusted only for its account, unaltered, and only until the password changes", async () => {
    const owner = await seedUser(app);
    const other = await seedUser(app);
    const device = await logInWithDevice(owner.email, "198.18.6.1");
    const [userId, issued, nonce, mac] = device.split(".");
    const forged = [
      device.replace(mac!, `${mac!.slice(0, -2)}AA`),
      [other.id, issued, nonce, mac].join("."),
      [userId, (Number.parseInt(issued!, 36) + 1).toString(36), nonce, mac].join("."),
    ];
    for (const cookie of forged) {
      // Each draws on the unknown-client budgets: 10 failures from one address lock it.
      const ip = `198.18.6.${forged.indexOf(cookie) + 10}`;
      for (let i = 0; i < PER_CLIENT; i++) {
        await expectAppError(
          fromDevice(ip, cookie).session.create({ email: owner.email, password: WRONG }),
          "UNAUTHORIZED",
          "INVALID_CREDENTIALS",
        );
      }
      await expectAppError(
        fromDevice(ip, cookie).session.create({ email: owner.email, password: PASSWORD }),
        "TOO_MANY_REQUESTS",
        "RATE_LIMITED",
      );
    }
    // The genuine cookie is trusted from those same addresses.
    await fromDevice("198.18.6.10", device).session.create({ email: owner.email, password: PASSWORD });
    // A new password retires it.
    await app.db.login.update({
      where: { userId: owner.id },
      data: { passwordHash: (await app.db.login.findUniqueOrThrow({ where: { userId: other.id } })).passwordHash },
    });
    await expectAppError(
      fromDevice("198.18.6.10", device).session.create({ email: owner.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
  });

  it("the device cookie is HttpOnly, SameSite=Lax, Path=/, long-lived, and keeps the entries of other accounts used in the browser", async () => {
    const a = await seedUser(app);
    const b = await seedUser(app);
    const resHeaders = new Headers();
    await app.caller({ ip: "198.18.7.1", resHeaders }).session.create({ email: a.email, password: PASSWORD });
    const setCookie = resHeaders.getSetCookie().find((c) => c.startsWith("device="))!;
    expect(setCookie).toMatch(/; Max-Age=15552000/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    const first = cookieValue(resHeaders, "device")!;
    const both = await logInWithDevice(b.email, "198.18.7.1", first);
    expect(both.split("~").map((entry) => entry.split(".")[0])).toEqual([b.id, a.id]);
    await fromDevice("198.18.7.2", both).session.create({ email: a.email, password: PASSWORD });
  });
});

describe("a device cookie and an unknown address", () => {
  it("is an ordinary wrong log-in: the cookie names no account here", async () => {
    const owner = await seedUser(app);
    const device = await logInWithDevice(owner.email, "198.18.10.1");
    await expectAppError(
      fromDevice("198.18.10.1", device).session.create({ email: freshEmail("nobody"), password: PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
  });
});

describe("the hashing queue is told who asks", () => {
  it("the client address, and priority exactly for a browser known to the account", async () => {
    const owner = await seedUser(app);
    const device = await logInWithDevice(owner.email, "198.18.9.1");
    const run = vi.spyOn(hashPool, "run");
    try {
      await fromDevice("198.18.9.2", device).session.create({ email: owner.email, password: PASSWORD });
      await app.caller({ ip: "198.18.9.3" }).session.create({ email: owner.email, password: PASSWORD });
      await expectAppError(
        app.caller({ ip: "198.18.9.4" }).session.create({ email: freshEmail("nobody"), password: WRONG }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
      await logIn(app.services, { email: owner.email, password: PASSWORD }, { ip: null, userAgent: null, deviceCookie: null });
      const owners = run.mock.calls.filter(([job]) => job.op === "verify").map(([, who]) => who);
      expect(owners).toEqual([
        { client: "198.18.9.2", priority: true, priorityKey: owner.id },
        { client: "198.18.9.3", priority: false, priorityKey: owner.id },
        { client: "198.18.9.4", priority: false },
        { client: "unknown", priority: false, priorityKey: owner.id },
      ]);
    } finally {
      run.mockRestore();
    }
  });
});

describe("the counters themselves", () => {
  it("without its counters (the store failing), no password is checked and no session opened", async () => {
    const user = await seedUser(app);
    await app.db.$executeRawUnsafe(`ALTER TABLE "RateLimit" RENAME TO "RateLimitAway"`);
    try {
      const verifications = await countVerifications(() =>
        expectAppError(
          app.caller({ ip: "198.18.8.1" }).session.create({ email: user.email, password: PASSWORD }),
          "INTERNAL_SERVER_ERROR",
          "INTERNAL_ERROR",
        ),
      );
      expect(verifications).toBe(0);
    } finally {
      await app.db.$executeRawUnsafe(`ALTER TABLE "RateLimitAway" RENAME TO "RateLimit"`);
    }
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  // A right password's points are given back in the commit that stores its session (one write instead of two).
  const pointsOf = async (email: string) =>
    Object.fromEntries(
      (await app.db.rateLimit.findMany({ where: { key: { contains: email } }, orderBy: { key: "asc" } })).map((r) => [r.key, r.points]),
    );

  it.runIf(testDbKind() === "postgres")("without a device cookie, a log-in makes one round trip before its hash", async () => {
    const user = await seedUser(app);
    const driver = driverOf(app.db);
    if (driver.kind !== "postgres") throw new Error("a PostgreSQL test");
    const query = vi.spyOn(driver.pool, "query");
    const run = vi.spyOn(hashPool, "run");
    try {
      await app.caller({ ip: "198.18.8.9" }).session.create({ email: user.email, password: PASSWORD });
      // The login's read and the points' take, in one statement (the session, and the points given back, follow the hash).
      // Counted by name or by the tables read (a statement without a name
      // counts too): another test's security events or mail, written
      // meanwhile, are not the log-in's.
      const hashed = run.mock.invocationCallOrder[0]!;
      const logInStatements = query.mock.calls
        .filter((_, i) => query.mock.invocationCallOrder[i]! < hashed)
        .map(([config]) => (typeof config === "string" ? { text: config } : (config as { name?: string; text?: string })))
        .filter(({ name = "", text = "" }) => /^(login|rate-limit)-/.test(name) || /"(Login|RateLimit)"/.test(text))
        .map(({ name = "" }) => name);
      expect(logInStatements).toHaveLength(1);
      expect(logInStatements[0]).toMatch(/^login-read\+rate-limit-take/);
    } finally {
      query.mockRestore();
      run.mockRestore();
    }
    expect(Object.values(await pointsOf(user.email))).toEqual([0, 0]);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it.runIf(testDbKind() === "postgres")(
    "a log-in's writes do not wait for the disk: both its statements commit with synchronous_commit off",
    async () => {
      const user = await seedUser(app);
      const settings = await commitSettings(app.db, () =>
        app.caller({ ip: "198.18.8.10" }).session.create({ email: user.email, password: PASSWORD }),
      );
      // The login's read with the points' take; then the points given back with the new session. (Security
      // events, stored in batches on a timer, are not bookkeeping: a batch may be stored meanwhile.)
      expect(settings.filter(([name]) => name !== "security-events-insert")).toEqual([
        ["login-read+rate-limit-take-3", "off"],
        ["rate-limit-give-back-3+login-insert-session-if-password", "off"],
      ]);
      expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
    },
  );

  it("a session that cannot be stored opens nothing, and the attempt's points are still given back", async () => {
    const user = await seedUser(app);
    const other = await seedUser(app);
    const otherToken = await logInAs(app, other.email);
    const undo = await refuseWrites(app.db, { table: "Session", on: "INSERT", message: "sessions unavailable" });
    try {
      await expectAppError(
        app.caller({ ip: "198.18.8.2" }).session.create({ email: user.email, password: PASSWORD }),
        "INTERNAL_SERVER_ERROR",
        "INTERNAL_ERROR",
      );
    } finally {
      await undo();
    }
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(Object.values(await pointsOf(user.email))).toEqual([0, 0]);
    // Nobody else's session or counters changed.
    expect(await app.caller({ token: otherToken }).session.validate()).toMatchObject({ userId: other.id });
    expect(Object.values(await pointsOf(other.email))).toEqual([0, 0]);
  });

  it("the points and the session commit together: when the points cannot be given back, no session opens", async () => {
    const user = await seedUser(app);
    // Giving back writes each counter again with zero points for a new window; that write is refused.
    const undo = await refuseWrites(app.db, { table: "RateLimit", on: "INSERT", when: `NEW."points" = 0`, message: "store unavailable" });
    try {
      await expectAppError(
        app.caller({ ip: "198.18.8.3" }).session.create({ email: user.email, password: PASSWORD }),
        "INTERNAL_SERVER_ERROR",
        "INTERNAL_ERROR",
      );
    } finally {
      await undo();
    }
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(Object.values(await pointsOf(user.email))).toEqual([1, 1]);
    // Once the store is back, the same password opens a session and gives its points back.
    await app.caller({ ip: "198.18.8.3" }).session.create({ email: user.email, password: PASSWORD });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
    expect(Object.values(await pointsOf(user.email))).toEqual([1, 1]);
  });

  it("a second step due gives the points back too; an address not yet confirmed keeps them, as a wrong password does", async () => {
    const unconfirmed = await seedUser(app, { verified: false });
    await expectAppError(
      app.caller({ ip: "198.18.8.4" }).session.create({ email: unconfirmed.email, password: PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect(await pointsOf(unconfirmed.email)).toMatchObject({
      [`loginFailuresPerAccountAndClient:${unconfirmed.email} 198.18.8.4`]: 1,
      [`loginFailuresPerAccount:${unconfirmed.email}`]: 1,
    });
    const { user } = await userWithTotp(app);
    await startLogIn(app, user.email, { ip: "198.18.8.5" });
    expect(await pointsOf(user.email)).toMatchObject({
      [`loginFailuresPerAccountAndClient:${user.email} 198.18.8.5`]: 0,
      [`loginFailuresPerAccount:${user.email}`]: 0,
    });
  });

  it("counters whose window ended over an hour ago are pruned; live and recent ones stay", async () => {
    const now = Date.now();
    const rows = [
      { key: "prune-old", points: 3, expire: new Date(now - 2 * 3600_000) },
      { key: "prune-recent", points: 3, expire: new Date(now - 60_000) },
      { key: "prune-live", points: 3, expire: new Date(now + 60_000) },
    ];
    // More old ones than one batch holds: the pruning goes on until none is left.
    const old = Array.from({ length: 5 }, (_, i) => ({ key: `prune-old-${i}`, points: 1, expire: new Date(now - 3 * 3600_000) }));
    await app.db.rateLimit.createMany({ data: [...rows, ...old] });
    expect(await pruneRateLimits(app.db, new Date(now), 2)).toBe(6);
    const left = await app.db.rateLimit.findMany({ where: { key: { startsWith: "prune-" } }, orderBy: { key: "asc" } });
    expect(left.map((r) => r.key)).toEqual(["prune-live", "prune-recent"]);
  });
});

// The account's budget for wrong codes (10 per 15 minutes) keeps a password
// holder from guessing the million codes; spent by them, it used to stop the
// owner's own right code too. A browser that finished the second step before
// draws on a budget of its own: a password alone never makes one.
describe("the second step from a browser that finished it before", () => {
  const cookie = (value: string | null): Record<string, string> => (value ? { cookie: `device=${value}` } : {});

  /** The password step from a browser (its device cookie given): the ticket, and the device cookie the answer sets. */
  async function passwordStep(email: string, ip: string, device: string | null) {
    const resHeaders = new Headers();
    const result = await app.caller({ ip, headers: cookie(device), resHeaders }).session.create({ email, password: PASSWORD });
    if (!("secondFactor" in result)) throw new Error("expected a second step");
    return { ticket: result.secondFactor.ticket, device: cookieValue(resHeaders, "device")! };
  }

  /** The second step from that browser: the session, and the device cookie the answer sets. */
  async function secondStep(ip: string, device: string, ticket: string, code: string) {
    const resHeaders = new Headers();
    const session = await app.caller({ ip, headers: cookie(device), resHeaders }).session.completeSecondFactor({ ticket, totp: code });
    return { session, device: cookieValue(resHeaders, "device") };
  }

  async function bothSteps(email: string, ip: string, device: string | null, code: string) {
    const first = await passwordStep(email, ip, device);
    return secondStep(ip, first.device, first.ticket, code);
  }

  it("a password holder's wrong codes stop unknown browsers' second step, never the owner's two-step browser", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const bystander = await userWithTotp(app);
    const owner = await bothSteps(user.email, "198.18.9.1", null, authenticator.next());
    expect(owner.device).toBeTruthy();

    // The thief has the password: a device cookie of their own, and tickets.
    let thiefDevice: string | null = null;
    for (let i = 0; i < RATE_LIMITS.secondFactorFailuresPerAccount.points; i++) {
      const first = await passwordStep(user.email, "198.18.9.2", thiefDevice);
      thiefDevice = first.device;
      await expectAppError(
        secondStep("198.18.9.2", first.device, first.ticket, authenticator.wrong()),
        "FORBIDDEN",
        "SECOND_FACTOR_INVALID",
      );
    }
    // The account's budget is spent: from the thief's browser, or a new one, even the right code is refused.
    for (const device of [thiefDevice, null]) {
      await expectAppError(bothSteps(user.email, "198.18.9.3", device, authenticator.next()), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    }
    // The owner's browser logs in: its password step kept what the second step had vouched for.
    expect((await bothSteps(user.email, "198.18.9.1", owner.device, authenticator.next())).session).toMatchObject({
      userId: user.id,
      aal: "aal2",
    });
    // Others' accounts were never touched.
    expect((await bothSteps(bystander.user.email, "198.18.9.4", null, bystander.authenticator.next())).session.userId).toBe(
      bystander.user.id,
    );
  });

  // A marked cookie copied off a shared computer outlives a log-out: a day's
  // guesses from it, and from all such browsers of the account, are capped.
  it(`such browsers guess at most ${RATE_LIMITS.secondFactorFailuresPerDeviceDaily.points} a day each and ${RATE_LIMITS.secondFactorFailuresPerAccountKnownDevices.points} a day together`, async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { device } = await bothSteps(user.email, "198.18.11.1", null, authenticator.next());
    const nonce = device!.split(".")[2]!;
    const spend = (key: string, points: number) => {
      const row = { points, expire: new Date(Date.now() + 3600_000) };
      return app.db.rateLimit.upsert({ where: { key }, create: { key, ...row }, update: row });
    };
    await spend(`secondFactorFailuresPerDeviceDaily:${nonce}`, RATE_LIMITS.secondFactorFailuresPerDeviceDaily.points);
    await expectAppError(bothSteps(user.email, "198.18.11.1", device, authenticator.next()), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    await app.db.rateLimit.deleteMany({ where: { key: `secondFactorFailuresPerDeviceDaily:${nonce}` } });
    await spend(`secondFactorFailuresPerAccountKnownDevices:${user.id}`, RATE_LIMITS.secondFactorFailuresPerAccountKnownDevices.points);
    await expectAppError(bothSteps(user.email, "198.18.11.1", device, authenticator.next()), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    // A browser without the mark draws on the account's own budget, untouched.
    expect((await bothSteps(user.email, "198.18.11.2", null, authenticator.next())).session).toMatchObject({ userId: user.id });
  });

  it("that browser's own wrong codes spend its own budget, then it is refused too", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { device } = await bothSteps(user.email, "198.18.10.1", null, authenticator.next());
    for (let i = 0; i < RATE_LIMITS.secondFactorFailuresPerDevice.points; i++) {
      await expectAppError(bothSteps(user.email, "198.18.10.1", device, authenticator.wrong()), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    }
    await expectAppError(bothSteps(user.email, "198.18.10.1", device, authenticator.next()), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    // The account's own budget was not spent: another browser finishes with a right code.
    expect((await bothSteps(user.email, "198.18.10.2", null, authenticator.next())).session).toMatchObject({ userId: user.id });
  });
});
