// The server as it runs: boot(config) in this process on a free port against
// a test database (migrations, services, Next.js from the production build,
// the workers, the edge); the compiled entry as `npm start` runs it; and plain
// `next start`, which must refuse to serve. Needs the production build
// (tests/global-setup.ts makes one when there is none).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "@/env";
import { hashPassword } from "@/server/auth/password";
import { hashToken, newSecretToken } from "@/server/auth/secret-token";
import { boot, type RunningApp } from "@/server/boot";
import { bootedApp } from "@/server/booted-app";
import { enqueueMail } from "@/server/mail/outbox";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../../scripts/server-node-flags";
import { freshEmail, PASSWORD } from "../support/accounts";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { ResendCapture } from "../support/resend-capture";
import { expectSecurityHeaders as expectHeaders } from "../support/security-headers";

const APP_URL = "http://localhost:3000";
/** What the entry logs when the first page request has loaded Next.js. */
const PAGES_LOADED = "Next.js loaded";
const METRICS_TOKEN = "metrics-token-for-the-boot-test-0123456789";

async function seedVerifiedUser(db: TestDatabase["db"], email = freshEmail("boot")) {
  const user = await db.user.create({
    data: { name: "Booted", login: { create: { email, passwordHash: await hashPassword(PASSWORD), emailVerifiedAt: new Date() } } },
  });
  return { ...user, email };
}

function expectSecurityHeaders(res: Response) {
  expectHeaders((name) => res.headers.get(name), APP_URL);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with the child's exit code; its output is collected in `out`. */
function watch(child: ChildProcess) {
  const out = { text: "" };
  child.stdout?.on("data", (chunk: Buffer) => (out.text += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (out.text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { out, exited };
}

describe("boot(config)", () => {
  let database: TestDatabase;
  let capture: ResendCapture;
  let app: RunningApp | undefined;
  let early: { email: string; id: string };
  let expiredSessionId: string;
  let liveSessionId: string;
  let token: string;

  beforeAll(async () => {
    expect(fs.existsSync(".next/BUILD_ID"), "no production build: run npm run build").toBe(true);
    database = await createTestDatabase();
    capture = new ResendCapture();
    await capture.start();
    // Left by an earlier run or another instance: a queued mail, an expired and a live session.
    early = await seedVerifiedUser(database.db);
    await enqueueMail(database.db, { kind: "password-changed", to: early.email, userId: early.id });
    token = newSecretToken();
    const hour = 3600_000;
    expiredSessionId = (
      await database.db.session.create({
        data: { userId: early.id, tokenHash: hashToken(newSecretToken()), expiresAt: new Date(Date.now() - hour) },
      })
    ).id;
    liveSessionId = (
      await database.db.session.create({ data: { userId: early.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + hour) } })
    ).id;

    const config = parseConfig({
      NODE_ENV: "test",
      DATABASE_URL: database.url,
      APP_URL,
      HOST: "127.0.0.1",
      RESEND_API_KEY: "re_boot_test",
      RESEND_BASE_URL: capture.url,
      METRICS_TOKEN,
    });
    app = await boot(config, { port: 0 });
  });

  afterAll(async () => {
    await app?.close();
    await capture?.stop();
    await database?.drop();
  });

  it("serves pages, route handlers and the JSON APIs, all with the security headers", async () => {
    const base = app!.url;
    const page = await fetch(`${base}/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("<form");
    expectSecurityHeaders(page);
    const head = await fetch(`${base}/register`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expectSecurityHeaders(head);
    // A page that reads the services the entry created (an unknown link).
    const verify = await fetch(`${base}/verify?token=${"x".repeat(43)}`);
    expect(verify.status).toBe(200);

    const health = await fetch(`${base}/api/health`);
    expect(await health.json()).toEqual({ ok: true });
    expectSecurityHeaders(health);
    const pagesReady = await fetch(`${base}/api/health/pages`);
    expect(await pagesReady.json()).toEqual({ ok: true });
    expectSecurityHeaders(pagesReady);
    const metrics = await fetch(`${base}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect((await metrics.json()).eventLoopDelayMs).toBeDefined();

    const validate = await fetch(`${base}/api/trpc/session.validate`, { headers: { authorization: `Bearer ${token}` } });
    expect((await validate.json()).result.data.userId).toBe(early.id);
    expectSecurityHeaders(validate);
    const refused = await fetch(`${base}/api/user/session/validate`);
    expect(await refused.json()).toMatchObject({ status: "error", error: { code: "SESSION_INVALID" } });
    expectSecurityHeaders(refused);
    const login = await fetch(`${base}/user/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: early.email, password: PASSWORD }),
    });
    expect((await login.json()).session).toMatch(/^[0-9a-f-]{36}$/);
    expectSecurityHeaders(login);
    expect((await fetch(`${base}/api/openapi.json`)).status).toBe(200);
  });

  it("started the workers: mail queued before the start and by another instance is delivered without a kick; pruning ran", async () => {
    await vi.waitFor(() => expect(capture.to(early.email)).toHaveLength(1), { timeout: 15_000, interval: 100 });
    // Written to the table as another instance would: the worker's poll finds it.
    const later = await seedVerifiedUser(database.db);
    await enqueueMail(database.db, { kind: "password-changed", to: later.email, userId: later.id });
    await vi.waitFor(() => expect(capture.to(later.email)).toHaveLength(1), { timeout: 15_000, interval: 200 });

    await vi.waitFor(async () => expect(await database.db.session.findUnique({ where: { id: expiredSessionId } })).toBeNull(), {
      timeout: 15_000,
      interval: 100,
    });
    expect(await database.db.session.findUnique({ where: { id: liveSessionId } })).not.toBeNull();
  });

  it("pages and APIs share the entry's services; close() stores queued security events and stops everything", async () => {
    expect(bootedApp()?.services).toBe(app!.services);
    const stranger = await seedVerifiedUser(database.db);
    const failed = await fetch(`${app!.url}/api/trpc/session.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: stranger.email, password: "not the password at all" }),
    });
    expect(failed.status).toBe(401);
    const url = app!.url;
    await app!.close();
    app = undefined;
    const events = await database.db.securityEvent.findMany({ where: { userId: stranger.id } });
    expect(events.map((e) => e.type)).toEqual(["login.failed"]);
    expect(bootedApp()).toBeUndefined();
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });
});

describe("the compiled entry and other ways to start", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** The environment of a started entry: `base` with this file's database, a port, and no mail sent. */
  const entryEnv = (base: Record<string, string | undefined>, port: number) =>
    ({
      ...base,
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL,
      DATABASE_URL: database.url,
      LOG_LEVEL: "info",
      RESEND_API_KEY: "",
    }) as unknown as NodeJS.ProcessEnv;

  it("`npm start` runs the compiled entry as npm's own child (no shell, no tsx between), which stops on SIGTERM", async () => {
    const port = await freePort();
    const npm = spawn("npm", ["start", "--silent"], {
      env: entryEnv(process.env, port),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { out, exited } = watch(npm);
    try {
      await vi.waitFor(() => expect(out.text).toContain("[accounts] serving"), { timeout: 60_000, interval: 100 });
      const children = fs.readFileSync(`/proc/${npm.pid}/task/${npm.pid}/children`, "utf8").trim().split(/\s+/);
      expect(children).toHaveLength(1);
      const command = fs.readFileSync(`/proc/${children[0]}/cmdline`, "utf8").split("\0").filter(Boolean);
      expect(command.slice(1)).toEqual([...SERVER_NODE_FLAGS, "dist/serve.js"]);
      expect(command[0]).toMatch(/node$/);
      const environment = fs.readFileSync(`/proc/${children[0]}/environ`, "utf8").split("\0");
      for (const [name, value] of Object.entries(SERVER_ENV)) expect(environment).toContain(`${name}=${value}`);
      // The JSON APIs and the health probe answer without loading Next.js; the first page loads it.
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
      const api = await fetch(`http://127.0.0.1:${port}/api/trpc/session.validate`);
      expect((await api.json()).error.data.appCode).toBe("SESSION_INVALID");
      expect(out.text).not.toContain(PAGES_LOADED);
      const page = await fetch(`http://127.0.0.1:${port}/login`);
      expect(page.status).toBe(200);
      expectSecurityHeaders(page);
      await vi.waitFor(() => expect(out.text).toContain(PAGES_LOADED), { timeout: 5000, interval: 50 });
      npm.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      npm.kill("SIGKILL");
    }
  });

  it("the compiled entry started by hand without NODE_ENV (a container's command) runs as production", async () => {
    const port = await freePort();
    const { NODE_ENV: _ignored, ...inherited } = process.env;
    const node = spawn(process.execPath, [...SERVER_NODE_FLAGS, "dist/serve.js"], {
      env: entryEnv(inherited, port),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { out, exited } = watch(node);
    try {
      await vi.waitFor(() => expect(out.text).toContain("[accounts] serving"), { timeout: 60_000, interval: 100 });
      expect(out.text).toContain("production)");
      // Production sends no Server-Timing (a timing oracle) and keeps no mail for a development mailbox.
      const api = await fetch(`http://127.0.0.1:${port}/api/trpc/session.validate`);
      expect(api.headers.get("server-timing")).toBeNull();
      expect(out.text).toContain("RESEND_API_KEY is not set: no mail is sent");
      node.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      node.kill("SIGKILL");
    }
  });

  it("plain `next start` stops at once, saying to use npm start", async () => {
    const port = await freePort();
    const next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: database.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { out, exited } = watch(next);
    try {
      expect(await exited).toBe(1);
      expect(out.text).toContain("`npm start`");
      expect(out.text).toContain("not with `next start`");
      await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
    } finally {
      next.kill("SIGKILL");
    }
  });
});
