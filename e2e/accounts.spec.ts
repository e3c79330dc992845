import { expect, test } from "@playwright/test";
import { createTeacherToken, freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";
import { alertOf, confirmAddress, logIn, register, registerVerifiedStudent, WRONG_LOG_IN } from "./support/pages";

test("register, confirm by email, see the account, log out and log in again", async ({ page, context }) => {
  const email = freshEmail("student");
  await register(page, email, "Sam Student");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail(email, /Confirm your email/);
  expect(mail.html).toContain("Confirm email address");
  await confirmAddress(page, linkIn(mail, "/verify"));
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
  await expect(alertOf(page)).toHaveText(WRONG_LOG_IN);
  await expect(page).toHaveURL(/\/login$/);
});

test("an unverified account is told to confirm and is mailed a new link that works", async ({ page }) => {
  const email = freshEmail("unverified");
  await register(page, email, "Una Verified");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const first = await waitForMail(email, /Confirm your email/);

  // The log-in answers as a wrong password would (no account oracle), and mails a new link.
  await logIn(page, email);
  await expect(alertOf(page)).toHaveText(WRONG_LOG_IN);

  await expect.poll(async () => (await waitForMail(email, /Confirm your email/)).id).not.toBe(first.id);
  const second = await waitForMail(email, /Confirm your email/);
  // The older link no longer works, and the page says so with a resend form.
  await page.goto(linkIn(first, "/verify"));
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await expect(alertOf(page)).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new link" })).toBeVisible();
  await confirmAddress(page, linkIn(second, "/verify"));
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

test("/verify confirms only when asked: a plain GET and opening the page change nothing", async ({ page, request }) => {
  const email = freshEmail("scanner");
  await register(page, email, "Sven Scanner");
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const link = linkIn(await waitForMail(email, /Confirm your email/), "/verify");

  // A mail scanner fetches the link: the page answers, names the address, and uses nothing.
  const scanned = await request.get(link);
  expect(scanned.status()).toBe(200);
  expect(await scanned.text()).toContain(email);

  // A person opens it (twice): the page says what it confirms and for whom.
  await page.goto(link);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
  await expect(page.getByText(`This confirms ${email} for the new account registered with it.`)).toBeVisible();

  // The link was not used by any of that: pressing the button is what confirms,
  // with the password the account was registered with (the link may be of
  // someone else's registration: the newest one of an unconfirmed address wins).
  await page.getByLabel("The password you registered with").fill("not the password I chose");
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(alertOf(page)).toContainText("This is not the password this account was registered with.");
  await page.getByLabel("The password you registered with").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Hello, Sven Scanner" })).toBeVisible();
  // Used, the link says so.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link was already used" })).toBeVisible();
});

test("someone logged in who opens another account's link is told which account it is", async ({ page, browser }) => {
  const victim = freshEmail("victim");
  await registerVerifiedStudent(page, victim, "Vic Tim");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const attacker = freshEmail("mallory");
  await register(otherPage, attacker, "Mallory Other");
  await other.close();
  const link = linkIn(await waitForMail(attacker, /Confirm your email/), "/verify");
  await page.goto(link);
  await expect(page.getByText(`This confirms ${attacker} for the new account registered with it.`)).toBeVisible();
  await expect(
    page.getByText(`You are logged in as Vic Tim. Confirming logs you in to the new account of ${attacker} instead.`),
  ).toBeVisible();
  // The name the other account was registered with is text anyone may write: the page never shows it.
  await expect(page.getByText("Mallory Other")).toHaveCount(0);
  // Closing the page is enough: the victim's session is untouched.
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Hello, Vic Tim" })).toBeVisible();
});

test("the register page's strength meter loads on first keystroke and judges like the server", async ({ page }) => {
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(r.url());
  });
  await page.goto("/register");
  await page.waitForLoadState("networkidle");
  const onLoad = scripts.length;
  await page.getByLabel("Email address").fill("sunflower.field@school.example");
  await page.getByLabel("Your name").fill("Lin Wei");
  expect(scripts.length, "no script loads before a password is typed").toBe(onLoad);
  const password = page.getByLabel("Password");
  const meter = page.locator(".strength-text");

  await password.fill("aaaaaaaaaaaaaaa");
  await expect(meter).toHaveText(
    "Strength: Not accepted. Do not repeat one character or a short group of characters (like “aaaa” or “abcabc”).",
  );
  await expect.poll(() => scripts.length, { message: "the estimator loads once a password is typed" }).toBeGreaterThan(onLoad);
  await password.fill("qwertyuiopasdf");
  await expect(meter).toContainText("Strength: Not accepted. Avoid simple sequences");
  await password.fill("sunflower garden party");
  await expect(meter).toContainText("Do not use your email address");
  await password.fill("short");
  await expect(meter).toHaveText("Strength: Too short.");
  await password.fill("password1234");
  await expect(meter).toContainText(/Strength: (Very weak|Weak)\./);
  await password.fill("tangerine oboe hillside 42");
  await expect(meter).toContainText(/Strength: (Good|Strong)\./);

  // Submitting a refused password shows the same words at the field, before any request.
  await password.fill("Lin Wei forever and ever");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error")).toHaveText("Do not use your name in your password.");
});
