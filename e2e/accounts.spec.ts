import { expect, test } from "@playwright/test";
import { createTeacherToken, freshEmail } from "./support/accounts";
import { alertOf, logIn, register } from "./support/pages";
import { linkIn, waitForMail } from "./support/mail";

test("register, confirm by email, see the account, log out and log in again", async ({ page, context }) => {
  const email = freshEmail("student");
  await register(page, email, "Sam Student");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail(email, /Confirm your email/);
  expect(mail.html).toContain("Confirm email address");
  await page.goto(linkIn(mail, "/verify"));
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Hello, Sam Student" })).toBeVisible();
  await expect(page.getByText(email).first()).toBeVisible();
  await expect(page.getByLabel("Your roles")).toHaveText("Student");

  // The session cookie is HttpOnly: page scripts cannot read it.
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  expect(await page.evaluate(() => document.cookie)).not.toContain("session=");

  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount|\/login\?next=\/account/);

  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Hello, Sam Student" })).toBeVisible();
});

test("a wrong password shows a clear message", async ({ page }) => {
  await logIn(page, freshEmail("nobody"), "not the right password");
  await expect(alertOf(page)).toHaveText("The email address or password is not correct.");
  await expect(page).toHaveURL(/\/login$/);
});

test("an unverified account is told to confirm and can ask for a new link that works", async ({ page }) => {
  const email = freshEmail("unverified");
  await register(page, email, "Una Verified");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const first = await waitForMail(email, /Confirm your email/);

  await logIn(page, email);
  await expect(alertOf(page)).toContainText("Confirm your email address first");
  await page.getByRole("button", { name: "Send a new link" }).click();
  await expect(page.getByRole("status")).toContainText("a new link is on its way");

  await expect.poll(async () => (await waitForMail(email, /Confirm your email/)).id).not.toBe(first.id);
  const second = await waitForMail(email, /Confirm your email/);
  // The older link no longer works, and the page says so with a resend form.
  await page.goto(linkIn(first, "/verify"));
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await expect(alertOf(page)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new link" })).toBeVisible();
  await page.goto(linkIn(second, "/verify"));
  await expect(page).toHaveURL(/\/account$/);
});

test("client-side checks use the shared rules and name the field", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Email address").fill("not-an-address");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await expect(page.getByText("Enter your name.")).toBeVisible();
});

test("a teacher registers with an invitation token and is a verified teacher at once", async ({ page }) => {
  const token = createTeacherToken(1);
  const email = freshEmail("teacher");
  await register(page, email, "Tess Teacher", token);
  await expect(page.getByRole("heading", { name: "Your teacher account is ready" })).toBeVisible();
  await page.getByRole("link", { name: "Continue to log in" }).click();
  await logIn(page, email);
  await expect(page.getByLabel("Your roles")).toHaveText("Teacher");

  // The token had one use: a second registration with it is refused.
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await register(page, freshEmail("teacher2"), "Second Teacher", token);
  await expect(page.getByText(/teacher token is not valid/)).toBeVisible();
});
