// The published contract of the HTTP APIs: /api/openapi.json names this
// deployment, lints clean under Redocly's recommended rules, and declares every
// status its operations really answer.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type JsonRoute, routeErrors } from "@/server/http/json-routes";
import { LEGACY_USER_API_BASE, legacyUserApiRoutes } from "@/server/http/legacy-user-api";
import { USER_API_BASE, userApiRoutes } from "@/server/http/rest-user-api";
import { APP_ERRORS } from "@/shared/app-codes";
import { createTestApp, type TestApp } from "../support/test-app";

const APP_URL = "https://accounts.school.example";

type Operation = {
  operationId?: string;
  description?: string;
  security?: unknown[];
  responses: Record<string, { description: string; headers?: Record<string, { required?: boolean }> }>;
};
type Document = { servers?: { url: string }[]; paths: Record<string, Record<string, Operation>> };

let app: TestApp;
let base: string;
let doc: Document;
beforeAll(async () => {
  app = await createTestApp({ env: { APP_URL } });
  base = await app.httpUrl();
  doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as Document;
});
afterAll(() => app.close());

const routes: { base: string; route: JsonRoute }[] = [
  ...userApiRoutes.map((route) => ({ base: USER_API_BASE, route })),
  ...legacyUserApiRoutes.map((route) => ({ base: LEGACY_USER_API_BASE, route })),
];
const operationOf = (prefix: string, r: JsonRoute) => doc.paths[`${prefix}${r.path}`]![r.method.toLowerCase()]!;
const named = routes.map(({ base: prefix, route }) => [`${route.method} ${prefix}${route.path}`, prefix, route] as const);

describe("/api/openapi.json", () => {
  it("names this deployment (APP_URL) as its one server", () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: APP_URL })]);
  });

  it("passes Redocly's recommended rules (redocly.yaml) without a single finding", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openapi-"));
    try {
      const file = path.join(dir, "openapi.json");
      fs.writeFileSync(file, JSON.stringify(doc, null, 2));
      const lint = await promisify(execFile)("node_modules/.bin/redocly", ["lint", file, "--format=json", "--config", "redocly.yaml"], {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      }).catch((failed: { stdout: string }) => failed);
      const report = JSON.parse(lint.stdout) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; message: string }[];
      };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives every operation a unique operationId, a description and its security (none for the public ones)", () => {
    const ids = routes.map(({ base: prefix, route }) => operationOf(prefix, route).operationId);
    expect(new Set(ids).size).toBe(routes.length);
    for (const { base: prefix, route } of routes) {
      const op = operationOf(prefix, route);
      expect(op.operationId, route.path).toMatch(/^[A-Za-z]+\.[A-Za-z]+$/);
      expect(op.description?.length, route.path).toBeGreaterThan(20);
      const byHeader = route.auth === "cookie-or-bearer" || route.auth === "presented-token";
      expect(op.security, route.path).toEqual(byHeader ? [{ sessionCookie: [] }, { bearer: [] }] : []);
    }
  });

  it.each(named)("%s declares each of its appCodes under the status the error table gives it", (_name, prefix, r) => {
    const op = operationOf(prefix, r);
    for (const code of routeErrors(r)) {
      expect(op.responses[String(APP_ERRORS[code].httpStatus)]?.description, code).toContain(code);
    }
    expect(op.responses["500"]).toBeDefined();
    expect(op.responses["503"]).toBeDefined();
    expect(op.responses["405"]?.headers?.Allow?.required).toBe(true);
    if (r.errors.includes("RATE_LIMITED")) expect(op.responses["429"]?.headers?.["Retry-After"]?.required).toBe(true);
    if (r.errors.includes("OVERLOADED")) expect(op.responses["503"]?.headers?.["Retry-After"]).toBeDefined();
  });
});

describe("what the server answers, the document declares", () => {
  /** The statuses answered to requests every route must refuse, by what was wrong. */
  async function refusals(prefix: string, r: JsonRoute): Promise<Record<string, number>> {
    const url = `${base}${prefix}${r.path}`;
    const json = { "content-type": "application/json" };
    const out: Record<string, number> = {};
    const otherMethod = ["GET", "POST", "PUT", "PATCH", "DELETE"].find(
      (m) => !routes.some(({ base: b, route }) => b === prefix && route.path === r.path && route.method === m),
    )!;
    out["another method"] = (
      await fetch(url, { method: otherMethod, headers: json, body: otherMethod === "GET" ? undefined : "{}" })
    ).status;
    if (r.auth !== "none" && r.auth !== "body")
      out["no session"] = (
        await fetch(url, { method: r.method, headers: r.method === "GET" ? {} : json, body: r.method === "GET" ? undefined : "{}" })
      ).status;
    if (r.method !== "GET") {
      const send = (headers: Record<string, string>, body: string) =>
        fetch(url, { method: r.method, headers, body }).then((res) => res.status);
      out["another site"] = await send({ ...json, origin: "https://elsewhere.example" }, "{}");
      out["not JSON"] = await send({ "content-type": "text/plain" }, "hello");
      out["malformed JSON"] = await send(json, "{nope");
      out["a body too large"] = await send(json, JSON.stringify({ name: "x".repeat(70_000) }));
    }
    return out;
  }

  it.each(named)("%s", async (_name, prefix, r) => {
    const before = await app.db.login.count();
    const answered = await refusals(prefix, r);
    expect(Object.keys(answered).length).toBeGreaterThan(0);
    const declared = Object.keys(operationOf(prefix, r).responses);
    for (const [what, status] of Object.entries(answered)) {
      expect(`${what}: ${status}`).toMatch(/: (4\d\d)$/);
      expect(declared, `${what} answered ${status}`).toContain(String(status));
    }
    expect(await app.db.login.count()).toBe(before);
  });
});
