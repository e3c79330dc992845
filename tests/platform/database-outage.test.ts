// When the database cannot be reached, calls fail with a typed, retryable
// error: SERVICE_UNAVAILABLE, HTTP 503, no stack.
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/env";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { handleTrpcRequest } from "@/server/api/trpc-api";
import { jsonApis } from "@/server/json-apis";
import { createServices } from "@/server/services/service-container";
import { INTERNAL_MESSAGE } from "@/server/to-app-error";
import { logInAs, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp } from "../support/test-app";

describe("database unreachable", () => {
  // A port where nothing listens.
  const services = createServices(parseConfig({ DATABASE_URL: "postgresql://postgres@127.0.0.1:9/none", NODE_ENV: "test" }));
  const caller = () => createCaller(createContextInner({ services, headers: new Headers() }));

  afterAll(() => services.db.$disconnect());

  it("session.create answers SERVICE_UNAVAILABLE", async () => {
    await expectAppError(
      caller().session.create({ email: "a@school.example", password: "whatever it is" }),
      "SERVICE_UNAVAILABLE",
      "SERVICE_UNAVAILABLE",
    );
  });

  it("over HTTP it is a 503 with a clear message and no stack", async () => {
    const res = await handleTrpcRequest(
      new Request("http://localhost/api/trpc/session.validate", { headers: { authorization: "Bearer abc" } }),
      services,
    );
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body.error.data.appCode).toBe("SERVICE_UNAVAILABLE");
    expect(body.error.message).toMatch(/briefly unavailable/);
    expect(body.error.data.stack).toBeUndefined();
  });

  it("keeps the session cookie: an outage is not a logged-out session", async () => {
    const apis = jsonApis(services);
    const api = (request: Request) => apis.find((a) => a.owns(new URL(request.url).pathname))!.handle(request);
    const withCookie = { headers: { cookie: "session=some-session-token" } };
    for (const request of [
      new Request("http://localhost/api/trpc/session.validate", withCookie),
      new Request("http://localhost/api/trpc/user.get", withCookie),
      new Request("http://localhost/api/user/session/validate", withCookie),
    ]) {
      const res = await api(request);
      expect(res.status, request.url).toBe(503);
      expect(res.headers.getSetCookie(), request.url).toEqual([]);
    }
  });
});

describe("an unexpected failure", () => {
  it("answers INTERNAL_ERROR with a generic message: no stack, no SQL, no table names", async () => {
    const app = await createTestApp();
    try {
      const admin = await seedUser(app, { admin: true });
      const token = await logInAs(app, admin.email);
      // A schema that drifted from the code: a failure no rule anticipates.
      await app.db.$executeRawUnsafe(`DROP TABLE "AuditEntry"`);
      await expectAppError(app.caller({ token }).admin.auditLog({}), "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR");
      const res = await handleTrpcRequest(
        new Request("http://localhost/api/trpc/admin.auditLog?input=%7B%7D", { headers: { authorization: `Bearer ${token}` } }),
        app.services,
      );
      expect(res.status).toBe(500);
      const text = await res.text();
      const body = JSON.parse(text) as any;
      expect(body.error.data.appCode).toBe("INTERNAL_ERROR");
      expect(body.error.message).toBe(INTERNAL_MESSAGE);
      expect(body.error.data.stack).toBeUndefined();
      expect(text).not.toMatch(/AuditEntry|SELECT|prisma/i);
    } finally {
      await app.close();
    }
  });
});
