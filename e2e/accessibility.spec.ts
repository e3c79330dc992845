// Every page, and the states a person meets on it (a validation error, an opened panel), checked with axe
// against WCAG 2.2 AA, at desktop and phone widths: logged out, as a student and as an admin.
// Not checked: /api/docs, which is Swagger UI's own page (swagger-ui-dist from npm), not ours to restyle.
// The accounts here are made with npm run admin:create, never registered: the whole browser suite
// registers from one address, close to the server's 20 registrations per address per hour.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { createAdmin, freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";
import { alertOf, logIn, logOut, openTab } from "./support/pages";
import { AuthenticatorApp, enrolAuthenticatorApp } from "./support/second-factors";

// Each test visits many pages and runs axe on each (one to three seconds a run on two shared cores).
test.describe.configure({ timeout: 120_000 });

const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** No axe violations on the page as it is now; a failure lists each rule with the elements it found
 * (a soft assertion: the test goes on, so one run reports every page). */
async function expectAccessible(page: Page, state: string) {
  // Legacy mode runs axe inside the page itself. Our pages have no frames, and the default mode's extra
  // blank tab (where it merges the frames' results) once failed to open in Chromium ("Failed to find
  // browser context"), failing a page that had no violations.
  // After a client-side navigation (logging in leads to /account) the URL changes before Next.js
  // sets the new page's title: wait for it, or axe may read the document between the two.
  await expect(page).toHaveTitle(/\S/);
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_22_AA).setLegacyMode().analyze();
  const found = violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(
      (n) => `${n.target.join(" ")}${n.failureSummary ? ` (${n.failureSummary.split("\n").slice(1).join(" ").trim()})` : ""}`,
    ),
  }));
  expect.soft(found, `${state} (${page.url()}):\n${JSON.stringify(found, null, 2)}`).toEqual([]);
}

test("logged out: home, log in and register, with their error states, pass axe", async ({ page }) => {
  await page.goto("/");
  await expectAccessible(page, "home");
  await page.goto("/?deleted=1");
  await expect(page.getByRole("status")).toBeVisible();
  await expectAccessible(page, "home after deleting an account");

  await page.goto("/login");
  await expectAccessible(page, "log in");
  await page.getByLabel("Email address").fill(freshEmail("a11y-nobody"));
  await page.getByLabel("Password").fill("wrong password entirely");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(alertOf(page)).toBeVisible();
  await expectAccessible(page, "log in, refused");

  await page.goto("/register");
  await expectAccessible(page, "register");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "register, with validation errors");
  await page.getByLabel("Email address").fill(freshEmail("a11y-avery"));
  await page.getByLabel("Your name").fill("Avery Example");
  await page.getByLabel("Password").fill("avery123456");
  await expect(page.getByText("Strength: Not accepted.")).toBeVisible();
  await expectAccessible(page, "register, password refused by the meter");
});

test("logged out: the pages of mailed links, forgot password and 404 pass axe", async ({ page }, testInfo) => {
  const email = freshEmail(`a11y-${testInfo.project.name}`);
  createAdmin(email, "Avery Example");

  await page.goto("/verify");
  await expectAccessible(page, "verify without a token");
  await page.goto("/verify?token=not-a-real-token");
  await expect(alertOf(page)).toBeVisible();
  await expectAccessible(page, "verify with a broken token");

  await page.goto("/forgot-password");
  await expectAccessible(page, "forgot password");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "forgot password, empty address");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expectAccessible(page, "forgot password, sent");
  const reset = await waitForMail(email, /Choose a new password/);

  await page.goto("/reset-password");
  await expectAccessible(page, "reset password without a token");
  await page.goto("/reset-password?token=not-a-real-token");
  await expectAccessible(page, "reset password with a broken token");
  await page.goto(linkIn(reset, "/reset-password"));
  await page.getByLabel("New password", { exact: true }).fill("tangerine oboe");
  await expect(page.getByText(/Strength: \w/)).toBeVisible();
  await expectAccessible(page, "reset password with a real token");

  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expectAccessible(page, "404");
});

test("as a student: the account page, its states and the 403 page pass axe", async ({ page, browser }, testInfo) => {
  // A student: an account made with admin:create, whose admin flag another admin switches off.
  const email = freshEmail(`a11y-student-${testInfo.project.name}`);
  const name = `Robin Student ${testInfo.project.name}`;
  const adminEmail = freshEmail(`a11y-demoter-${testInfo.project.name}`);
  createAdmin(email, name);
  createAdmin(adminEmail, "Ari Admin");
  await logIn(page, adminEmail);
  await expect(page).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(page);
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  const adminSwitch = page.getByRole("listitem", { name }).getByRole("switch", { name: `Admin for ${name}` });
  await adminSwitch.uncheck();
  await expect(adminSwitch).not.toBeChecked();
  await expect(adminSwitch).toBeEnabled();
  await logOut(page);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  // A second device, so that the sessions section lists one to log out.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await logIn(otherPage, email);
  // Its session exists once it is through (logIn only presses the button).
  await expect(otherPage).toHaveURL(/\/account$/);
  await page.reload();
  await expect(page.getByRole("heading", { name: /Hello/ })).toBeVisible();
  await expect(page.getByRole("list", { name: "Your sessions" }).getByRole("listitem")).toHaveCount(2);
  await expectAccessible(page, "account");

  // Validation errors and a pending address change.
  const moved = freshEmail(`a11y-moved-${testInfo.project.name}`);
  await page.getByLabel("New email address").fill(moved);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("Enter your current password to change your email address.")).toBeVisible();
  await expectAccessible(page, "account, email change without the password");
  await page.getByLabel("Confirm with your password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(/Waiting for confirmation/)).toBeVisible();
  await expectAccessible(page, "account, email change pending");
  await page.goto(linkIn(await waitForMail(moved, /Confirm your new email/), "/verify"));
  await expect(page.getByRole("button", { name: "Confirm my email address" })).toBeVisible();
  await expectAccessible(page, "verify with a real token");
  await page.goto("/account");

  await page.getByRole("button", { name: "Log out other devices" }).click();
  await expect(page.getByText("Logged out of 1 other device.")).toBeVisible();
  await expectAccessible(page, "account, other devices logged out");
  await other.close();

  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await expectAccessible(page, "403");
  await logOut(page);
});

test("as an admin: each dashboard tab and the user panel pass axe", async ({ page }, testInfo) => {
  const email = freshEmail(`a11y-admin-${testInfo.project.name}`);
  createAdmin(email, "Dana Admin");
  const other = `Casey Other ${testInfo.project.name}`;
  createAdmin(freshEmail(`a11y-other-${testInfo.project.name}`), other);
  await logIn(page, email, "a mistyped password here");
  await expect(alertOf(page)).toBeVisible();
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await expectAccessible(page, "admin's account");
  await enrolAuthenticatorApp(page);

  await page.goto("/admin");
  await expect(page.getByRole("list", { name: "Users" })).toBeVisible();
  await expectAccessible(page, "admin, users");
  await page.getByLabel("Search users by name or email").fill(email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Manage Dana Admin" }).click();
  await expect(page.getByRole("list", { name: "Security events" }).getByRole("listitem")).toHaveCount(3);
  await expectAccessible(page, "admin, own user panel with security events");
  await page.getByLabel("Search users by name or email").fill(other);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: `Manage ${other}` }).click();
  await page.getByRole("button", { name: "Delete user" }).click();
  await expect(page.getByRole("button", { name: `Yes, delete ${other}` })).toBeVisible();
  await expectAccessible(page, "admin, deleting a user");
  await page.getByLabel("Search users by name or email").fill("nobody by this name at all");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No users match.")).toBeVisible();
  await expectAccessible(page, "admin, no users match");

  await openTab(page, "Teacher tokens");
  await page.getByRole("button", { name: "Create token" }).waitFor();
  await expectAccessible(page, "admin, teacher tokens");
  await page.getByLabel("Note (optional)").fill("Maths department");
  await page.getByRole("radio", { name: "Addresses at one domain" }).check();
  await page.getByLabel("Email domain").fill("school.example");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByLabel("New teacher token")).toBeVisible();
  await expectAccessible(page, "admin, a new teacher token");

  await openTab(page, "Audit log");
  await expect(page.getByRole("list", { name: "Audit entries" })).toBeVisible();
  await expectAccessible(page, "admin, audit log");
});

test("two-step verification: setting it up, passkeys, the log-in's second step and the admin's reset pass axe", async ({
  page,
  browser,
}, testInfo) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  const email = freshEmail(`a11y-2fa-${testInfo.project.name}`);
  createAdmin(email, "Kai Keys");
  const otherEmail = freshEmail(`a11y-2fa-other-${testInfo.project.name}`);
  const otherName = `Noor Other ${testInfo.project.name} ${Date.now()}`;
  createAdmin(otherEmail, otherName);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Set up two-step verification first" })).toBeVisible();
  await expectAccessible(page, "admin without two-step verification");

  await page.goto("/account");
  const twoStep = page.getByRole("region", { name: "Two-step verification" });
  await twoStep.getByRole("button", { name: "Set up two-step verification" }).click();
  await twoStep.getByRole("button", { name: "Continue" }).click();
  await expect(twoStep.getByLabel("Your password")).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, "two-step set-up, no password");
  await twoStep.getByLabel("Your password").fill(PASSWORD);
  await twoStep.getByRole("button", { name: "Continue" }).click();
  const app = new AuthenticatorApp((await twoStep.getByLabel("Setup key").textContent()) ?? "");
  await twoStep.getByLabel("6-digit code").fill("000000");
  await twoStep.getByRole("button", { name: "Turn on" }).click();
  await expect(twoStep.getByRole("alert")).toBeVisible();
  await expectAccessible(page, "two-step set-up, QR code and a wrong code");
  await twoStep.getByLabel("6-digit code").fill(await app.nextCode());
  await twoStep.getByRole("button", { name: "Turn on" }).click();
  await expect(twoStep.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await expectAccessible(page, "two-step set-up, recovery codes");
  await twoStep.getByRole("button", { name: "I have saved them" }).click();
  await twoStep.getByRole("button", { name: "New recovery codes" }).click();
  await expect(twoStep.getByLabel("6-digit code from your app")).toBeVisible();
  await expectAccessible(page, "two-step on, new recovery codes form");
  await twoStep.getByRole("button", { name: "Cancel" }).click();

  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await passkeys.getByLabel("Passkey name").fill("Kai's laptop");
  await passkeys.getByLabel("Your password").fill(PASSWORD);
  await passkeys.getByRole("button", { name: "Create passkey" }).click();
  const list = passkeys.getByRole("list", { name: "Your passkeys" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await list.getByRole("button", { name: "Remove Kai's laptop" }).click();
  await expectAccessible(page, "passkeys, removing one");

  // The other admin with an app of their own, for the reset dialog.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await logIn(other, otherEmail);
  await expect(other).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(other);
  await otherContext.close();
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(otherName);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: `Manage ${otherName}` }).click();
  await page.getByRole("button", { name: "Reset two-step verification" }).click();
  await expect(page.getByRole("button", { name: "Yes, reset two-step verification" })).toBeVisible();
  await expectAccessible(page, "admin, resetting a user's two-step verification");

  await logOut(page);
  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Two-step verification", level: 1 })).toBeVisible();
  await expectAccessible(page, "log-in, second step");
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(alertOf(page)).toContainText("tries left");
  await expectAccessible(page, "log-in, second step, wrong code");
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await expect(page.getByLabel("Recovery code")).toBeVisible();
  await expectAccessible(page, "log-in, second step, recovery code");
});
