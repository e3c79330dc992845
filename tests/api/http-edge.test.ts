// The HTTP edge (src/server/http/edge.ts) over real HTTP: every answer of the
// three JSON APIs, errors included, comes in that API's own envelope with the
// same security headers, whatever went wrong and wherever.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEdge, MAX_BODY_BYTES } from "@/server/http/edge";
import { jsonApis } from "@/server/json-apis";
import { INTERNAL_MESSAGE } from "@/server/to-app-error";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { captureLogLines } from "../support/log-lines";
import { expectSecurityHeaders as expectHeaders } from "../support/security-headers";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let port: number;
let bearer: string;
beforeAll(async () => {
  app = await createTestApp();
  port = Number(new URL(await app.httpUrl()).port);
  bearer = await logInAs(app, (await seedUser(app)).email);
});
afterAll(() => app.close());

type Answer = { status: number; headers: http.IncomingHttpHeaders; text: string; body: any };

/** A request exactly as given (no Host of its own, no encoding of the path), over a fresh connection. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer, to = port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: to, method, path, setHost: false, agent: false, headers: { host: "localhost:3000", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, body });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const json = { "content-type": "application/json" };

function expectSecurityHeaders(answer: Answer) {
  expectHeaders((name) => answer.headers[name], app.config.APP_URL);
}

/** Each API: a GET and a POST endpoint, an unknown path, and how its error envelope names the appCode. */
const API = {
  tRPC: {
    get: "/api/trpc/session.validate",
    post: "/api/trpc/session.create",
    unknown: "/api/trpc/nope.nothing",
    expectError(answer: Answer, appCode: string) {
      expect(answer.body).toEqual({
        error: {
          message: expect.any(String),
          code: expect.any(Number),
          data: expect.objectContaining({ appCode, httpStatus: answer.status }),
        },
      });
    },
  },
  "seed 000": {
    get: "/api/user/session/validate",
    post: "/api/user/session/create",
    unknown: "/api/user/nothing",
    expectError(answer: Answer, appCode: string) {
      expect(answer.body).toEqual({ status: "error", error: { code: appCode, message: expect.any(String) } });
    },
  },
  "seed 002": {
    get: null,
    post: "/user/login",
    unknown: "/user/nothing",
    expectError(answer: Answer, appCode: string) {
      expect(answer.body).toMatchObject({ error: appCode });
    },
  },
} as const;
const APIS = Object.keys(API) as (keyof typeof API)[];

function expectRefusal(name: keyof typeof API, answer: Answer, status: number, appCode: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  API[name].expectError(answer, appCode);
  expect(answer.text).not.toMatch(/\bat .*\.[jt]s:\d+/); // no stack frame
  expectSecurityHeaders(answer);
}

describe.each(APIS)("%s", (name) => {
  const api = API[name];

  it("a path without an endpoint is 404 NOT_FOUND", async () => {
    expectRefusal(name, await raw("GET", api.unknown), 404, "NOT_FOUND");
    expectRefusal(name, await raw("POST", api.unknown, json, "{}"), 404, "NOT_FOUND");
  });

  it("a method the path does not take is 405 METHOD_NOT_SUPPORTED with Allow; TRACE and OPTIONS too", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"]) {
      const answer = await raw(method, api.post);
      expectRefusal(name, answer, 405, "METHOD_NOT_SUPPORTED");
      expect(answer.headers.allow, method).toBe("POST");
    }
    if (api.get) {
      const answer = await raw("POST", api.get, json, "{}");
      expectRefusal(name, answer, 405, "METHOD_NOT_SUPPORTED");
      expect(answer.headers.allow).toBe("GET, HEAD");
    }
  });

  it(`a body over ${MAX_BODY_BYTES} bytes is 413 PAYLOAD_TOO_LARGE, counted in bytes, not characters`, async () => {
    const email = freshEmail("big");
    // A body of `bytes` bytes, mostly two-byte characters: far fewer characters than bytes.
    const bodyOf = (bytes: number) => {
      const room = bytes - JSON.stringify({ email, password: "" }).length;
      return JSON.stringify({ email, password: "é".repeat(Math.floor(room / 2)) + "a".repeat(room % 2) });
    };
    const over = bodyOf(MAX_BODY_BYTES + 1);
    expect(over.length).toBeLessThan(MAX_BODY_BYTES * 0.6);
    expect(Buffer.byteLength(over)).toBe(MAX_BODY_BYTES + 1);
    // Sent in chunks, without a declared length: counted as it arrives.
    expectRefusal(name, await raw("POST", api.post, { ...json, "transfer-encoding": "chunked" }, over), 413, "PAYLOAD_TOO_LARGE");
    // Declared too large: refused before it is read.
    const declared = await raw("POST", api.post, { ...json, "content-length": String(MAX_BODY_BYTES + 1) }, "x".repeat(MAX_BODY_BYTES + 1));
    expectRefusal(name, declared, 413, "PAYLOAD_TOO_LARGE");
    // One byte less is read, and answered by the route (the password is too long).
    const within = bodyOf(MAX_BODY_BYTES);
    expect(Buffer.byteLength(within)).toBe(MAX_BODY_BYTES);
    for (const framing of [{}, { "transfer-encoding": "chunked" }] as Record<string, string>[]) {
      expectRefusal(name, await raw("POST", api.post, { ...json, ...framing }, within), 400, "VALIDATION_FAILED");
    }
  });

  it("a body that is not JSON is 415 UNSUPPORTED_MEDIA_TYPE and changes nothing", async () => {
    const email = freshEmail("media");
    const bodies: [string, string][] = [
      ["text/plain", JSON.stringify({ email, password: PASSWORD })],
      ["application/x-www-form-urlencoded", `email=${encodeURIComponent(email)}&password=x`],
      ["multipart/form-data; boundary=zzz", `--zzz\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n--zzz--\r\n`],
      ["multipart/form-data; boundary=zzz", "not multipart at all"],
      ["application/octet-stream", "\u0000\u0001"],
    ];
    for (const [type, body] of bodies)
      expectRefusal(name, await raw("POST", api.post, { "content-type": type }, body), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(await app.db.session.count({ where: { user: { login: { email } } } })).toBe(0);
  });

  it("a malformed Host header or request target is 400 VALIDATION_FAILED, not 500, and nothing runs", async () => {
    const user = await seedUser(app);
    const logIn = JSON.stringify({ email: user.email, password: PASSWORD });
    for (const host of ["exa mple.org", "a/b", "user@example.org", "[::1", "example.org:99999"]) {
      expectRefusal(name, await raw("POST", api.post, { ...json, host }, logIn), 400, "VALIDATION_FAILED");
    }
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect((await raw("POST", api.post, { ...json, host: "example.org:8080" }, logIn)).status).toBe(200);
  });

  it("HEAD is served wherever GET is: the same status and headers, no body", async () => {
    const auth = { authorization: `Bearer ${bearer}` };
    if (api.get) {
      const get = await raw("GET", api.get, auth);
      const head = await raw("HEAD", api.get, auth);
      expect(get.status).toBe(200);
      expect(head.status).toBe(200);
      expect(head.text).toBe("");
      expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(get.text)));
      expect(head.headers["content-type"]).toBe(get.headers["content-type"]);
      expectSecurityHeaders(head);
      // An error too: the GET's status and headers.
      const refused = await raw("HEAD", api.get, { authorization: `Bearer ${"x".repeat(43)}` });
      expect(refused.status).toBe(401);
      expect(refused.text).toBe("");
    }
    const notGet = await raw("HEAD", api.post);
    expect(notGet.status).toBe(405);
    expect(notGet.headers.allow).toBe("POST");
    expect(notGet.text).toBe("");
    expectSecurityHeaders(notGet);
  });

  it("successes carry the security headers and are not cached", async () => {
    const user = await seedUser(app);
    const answer = await raw("POST", api.post, json, JSON.stringify({ email: user.email, password: PASSWORD }));
    expect(answer.status).toBe(200);
    expect(answer.headers["cache-control"]).toBe("no-store");
    expectSecurityHeaders(answer);
  });
});

describe("the edge's other paths", () => {
  it("the OpenAPI document: GET and HEAD, other methods 405 with Allow", async () => {
    const get = await raw("GET", "/api/openapi.json");
    expect(get.body.openapi).toBe("3.1.0");
    expectSecurityHeaders(get);
    const head = await raw("HEAD", "/api/openapi.json");
    expect([head.status, head.text, head.headers["content-length"]]).toEqual([200, "", String(Buffer.byteLength(get.text))]);
    const post = await raw("POST", "/api/openapi.json", json, "{}");
    expect(post).toMatchObject({ status: 405, body: { error: "METHOD_NOT_SUPPORTED" } });
    expect(post.headers.allow).toBe("GET, HEAD");
    expectSecurityHeaders(post);
  });

  it("the bare bases and malformed procedure paths are 404 in their API's envelope", async () => {
    expectRefusal("tRPC", await raw("GET", "/api/trpc"), 404, "NOT_FOUND");
    expectRefusal("tRPC", await raw("GET", "/api/trpc/"), 404, "NOT_FOUND");
    expectRefusal("tRPC", await raw("GET", "/api/trpc/%E0%A4%A"), 404, "NOT_FOUND");
    expectRefusal("seed 002", await raw("GET", "/user"), 404, "NOT_FOUND");
  });

  it("a tRPC batch keeps tRPC's answer per call; a batch sent with the wrong method is 405 with Allow", async () => {
    const batch = await raw("GET", "/api/trpc/session.validate,nope.nothing?batch=1&input=%7B%7D", { authorization: `Bearer ${bearer}` });
    expect(batch.body).toHaveLength(2);
    expect(batch.body[0].result.data.userId).toBeDefined();
    expect(batch.body[1].error.data.appCode).toBe("NOT_FOUND");
    const wrong = await raw("GET", "/api/trpc/session.create,session.delete?batch=1&input=%7B%7D");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expectSecurityHeaders(wrong);
  });

  it("a page request with a malformed Host is 400 too, with the security headers", async () => {
    const answer = await raw("GET", "/login", { host: "exa mple.org" });
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toMatch(/^text\/plain/);
    expectSecurityHeaders(answer);
    const absolute = await raw("GET", "http://evil.example/api/user/session/validate");
    expectRefusal("seed 000", absolute, 400, "VALIDATION_FAILED");
  });

  it("pages take GET and HEAD only, and a path that does not decode is 400: Next.js never sees either (it answered 500)", async () => {
    const seen: string[] = [];
    const edge = http.createServer(
      createEdge({
        appUrl: app.config.APP_URL,
        apis: jsonApis(app.services),
        pages: (req, res) => {
          seen.push(`${req.method} ${req.url}`);
          res.writeHead(200).end("page");
        },
      }),
    );
    await new Promise<void>((resolve) => edge.listen(0, "127.0.0.1", resolve));
    const to = (edge.address() as import("node:net").AddressInfo).port;
    try {
      for (const method of ["TRACE", "PUT", "DELETE", "PATCH", "POST", "OPTIONS"]) {
        for (const path of ["/login", "/api/health/pages", "/api/docs/init.js"]) {
          const answer = await raw(method, path, {}, undefined, to);
          expect(answer.status, `${method} ${path}`).toBe(405);
          expect(answer.headers.allow).toBe("GET, HEAD");
          expectSecurityHeaders(answer);
        }
      }
      for (const path of ["/api/docs/%ff", "/login%e9", "/%c0%af"]) {
        const answer = await raw("GET", path, {}, undefined, to);
        expect(answer.status, path).toBe(400);
        expectSecurityHeaders(answer);
      }
      expect(seen).toEqual([]);
      expect((await raw("GET", "/login?next=%2Faccount", {}, undefined, to)).text).toBe("page");
      expect((await raw("HEAD", "/api/docs/init.js", {}, undefined, to)).status).toBe(200);
      expect(seen).toEqual(["GET /login?next=%2Faccount", "HEAD /api/docs/init.js"]);
    } finally {
      await new Promise((resolve) => edge.close(resolve));
    }
  });

  it("a client-sent peer-address header is overwritten by the socket's address", async () => {
    const user = await seedUser(app);
    await raw(
      "POST",
      "/api/user/session/create",
      { ...json, "x-accounts-peer-address": "203.0.113.99" },
      JSON.stringify({ email: user.email, password: PASSWORD }),
    );
    const [session] = await app.db.session.findMany({ where: { userId: user.id } });
    expect(session!.ip).toBe("127.0.0.1");
  });
});

describe("an unexpected failure", () => {
  let broken: TestApp;
  let brokenPort: number;
  let token: string;
  beforeAll(async () => {
    broken = await createTestApp();
    brokenPort = Number(new URL(await broken.httpUrl()).port);
    token = await logInAs(broken, (await seedUser(broken)).email);
    // A table gone (a botched migration): reading any session fails in a way nothing expects.
    await broken.db.$executeRawUnsafe(`DROP TABLE "Session"`);
  });
  afterAll(() => broken.close());

  it("is 500 INTERNAL_ERROR in each API's envelope, without a stack, and is logged", async () => {
    const log = captureLogLines("error");
    try {
      const auth = { authorization: `Bearer ${token}` };
      const answers = {
        tRPC: await raw("GET", "/api/trpc/session.validate", auth, undefined, brokenPort),
        "seed 000": await raw("GET", "/api/user/session/validate", auth, undefined, brokenPort),
        "seed 002": await raw("POST", "/user/info", json, JSON.stringify({ session: token, user: null }), brokenPort),
      };
      for (const name of APIS) {
        expectRefusal(name, answers[name], 500, "INTERNAL_ERROR");
        expect(answers[name].text).not.toMatch(/Session|no such table|does not exist/);
      }
      expect(answers.tRPC.body.error.message).toBe(INTERNAL_MESSAGE);
      expect(answers["seed 002"].body).toEqual({
        error: "INTERNAL_ERROR",
        teacher: false,
        admin: false,
        privileged_student: false,
        report_spammer: 0,
      });
      expect(log().filter((line) => JSON.parse(line).level === "error")).toHaveLength(3);
    } finally {
      log.restore();
    }
  });
});

describe("a failure no API caught", () => {
  it("is 500 INTERNAL_ERROR in that API's envelope with the security headers, logged, never the error's text", async () => {
    // Each API's handler replaced by one that fails as a bug would: the edge answers.
    const failing = jsonApis(app.services).map((api) => ({
      ...api,
      handle: async () => {
        throw new Error("a bug at /srv/accounts/src/server/thing.ts:12");
      },
    }));
    const server = http.createServer(createEdge({ appUrl: app.config.APP_URL, apis: failing, pages: (_req, res) => res.end() }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const log = captureLogLines("error");
    try {
      const at = (server.address() as { port: number }).port;
      const answers = {
        tRPC: await raw("GET", "/api/trpc/session.validate", {}, undefined, at),
        "seed 000": await raw("GET", "/api/user/session/validate", {}, undefined, at),
        "seed 002": await raw("POST", "/user/login", json, "{}", at),
      };
      for (const name of APIS) {
        expectRefusal(name, answers[name], 500, "INTERNAL_ERROR");
        expect(answers[name].text).not.toContain("thing.ts");
      }
      expect(log().filter((line) => JSON.parse(line).level === "error")).toHaveLength(3);
    } finally {
      log.restore();
      server.close();
    }
  });
});
