// HTTP hardening, checked on the production server.
import { expect, test } from "@playwright/test";
import { E2E_URL } from "../playwright.config";
import { createAdmin, freshEmail, PASSWORD } from "./support/accounts";

test("pages and API answers carry the security headers", async ({ request }) => {
  for (const path of ["/", "/login", "/api/trpc/session.validate", "/api/user", "/api/docs"]) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toContain("default-src 'self'");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["x-powered-by"], path).toBeUndefined();
  }
});

test("cross-origin mutations are refused", async ({ request }) => {
  const res = await request.post("/api/trpc/user.register", {
    headers: { origin: "https://evil.example", "content-type": "application/json" },
    data: { email: "csrf@school.example", password: "a long enough password", name: "X" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.data.appCode).toBe("CROSS_SITE_REQUEST");
});

test("the development mailbox is never served in production", async ({ request }) => {
  expect((await request.get("/dev/mailbox")).status()).toBe(404);
});

test("the metrics endpoint does not exist without METRICS_TOKEN", async ({ request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(404);
});

test("log-in with a next that leads off-site lands on /account of this site", async ({ page }) => {
  const email = freshEmail("redirect");
  createAdmin(email, "Reda Rect");
  const offsite: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${E2E_URL}/`)) offsite.push(r.url());
  });
  for (const next of [
    "%2F%09%2Fevil.example%2Fphish",
    "%2F%0A%2Fevil.example%2Fphish",
    "%2F%5Cevil.example",
    "%2F.%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example",
  ]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${next}`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await expect(page, next).toHaveURL(`${E2E_URL}/account`);
    await expect(page.getByRole("heading", { name: "Hello, Reda Rect" })).toBeVisible();
  }
  expect(offsite).toEqual([]);
  // A path on this site is still followed.
  await page.context().clearCookies();
  await page.goto("/login?next=%2Fadmin");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(`${E2E_URL}/admin`);
});

test("before the page's script runs, forms cannot be sent (a password never lands in the address bar)", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    for (const [path, button] of [
      ["/login", "Log in"],
      ["/register", "Create account"],
      ["/forgot-password", "Send reset link"],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole("button", { name: button, exact: true })).toBeDisabled();
    }
    await page.goto("/login");
    await page.getByLabel("Email address").fill("someone@school.example");
    await page.getByLabel("Password").fill("a secret that must stay out of URLs");
    await page.getByLabel("Password").press("Enter");
    await page.waitForTimeout(500);
    expect(page.url()).toBe(`${E2E_URL}/login`);
  } finally {
    await context.close();
  }
});
