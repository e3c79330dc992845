// The seeds' HTTP APIs through the production server (the compiled entry and
// its edge; the unit tests cover every rule).
import { expect, test } from "@playwright/test";
import { freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";

test("seed 002 and seed 000 endpoints answer through the production server", async ({ request }) => {
  const email = freshEmail("api");
  const registered = await request.post("/user/register", { data: { email, password: PASSWORD, name: "Api", teacher_token: null } });
  expect(registered.status()).toBe(200);
  expect(await registered.json()).toEqual({ error: null });
  const token = new URL(linkIn(await waitForMail(email, /Confirm your email/), "/verify")).searchParams.get("token");
  const verified = await request.patch("/user/verify", { data: { token } });
  const { session } = await verified.json();
  expect(session).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // seed 002 issues GUIDs

  const me = await request.get("/api/user", { headers: { authorization: `Bearer ${session}` } });
  expect(await me.json()).toMatchObject({ status: "success", data: { email, name: "Api" } });
  const info = await request.post("/user/info", { data: { session, user: null } });
  expect(await info.json()).toEqual({ error: null, teacher: false, admin: false, privileged_student: false, report_spammer: 0 });

  const anonymous = await request.get("/api/user/permissions");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ status: "error", error: { code: "SESSION_INVALID" } });
  const wrongMethod = await request.get("/user/login");
  expect(wrongMethod.status()).toBe(405);
  const malformed = await request.post("/api/user/session/create", { headers: { "content-type": "application/json" }, data: "{nope" });
  expect(malformed.status()).toBe(400);
  const doc = await (await request.get("/api/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
});
