// Two-step verification in the browser: an authenticator app (codes computed
// here from the setup key the page shows), recovery codes, passkeys on
// Chromium's virtual authenticator, and the dashboard's rule that admins
// need two steps. Accounts are made with admin:create (see accessibility.spec.ts).
import { expect, type Page, test } from "@playwright/test";
import { createAdmin, freshEmail, PASSWORD } from "./support/accounts";
import { alertOf, logIn, logOut } from "./support/pages";
import { enrolAuthenticatorApp, logInWithCode } from "./support/second-factors";

// A code can be used once per 30-second step: tests that need several wait for the next steps.
test.describe.configure({ timeout: 150_000 });

const secondStep = (page: Page) => page.getByRole("heading", { name: "Two-step verification", level: 1 });

/** A virtual passkey authenticator (internal, user-verifying) in this page's browser. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
}

test("an authenticator app: set up, log in with a code and with a recovery code, new codes, turn off", async ({ page }) => {
  const email = freshEmail("totp");
  createAdmin(email, "Tess Totp");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  const { app, recoveryCodes } = await enrolAuthenticatorApp(page);
  expect(new Set(recoveryCodes).size).toBe(10);
  const section = page.getByRole("region", { name: "Two-step verification" });
  await expect(section).toContainText("10 recovery codes left.");
  // Setting it up raised this session to two steps.
  const sessions = page.getByRole("list", { name: "Your sessions" });
  await expect(sessions.getByRole("listitem").filter({ hasText: "This device" })).toContainText("Two-step");

  // Logging in asks for a code after the password; a wrong one says how many tries are left.
  await logOut(page);
  await logIn(page, email);
  await expect(secondStep(page)).toBeVisible();
  await expect(page.getByText("Enter the code from your authenticator app.")).toBeVisible();
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(alertOf(page)).toContainText("That code is not right, or it was used already. 4 tries left.");
  await page.getByLabel("6-digit code").fill(await app.nextCode());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(sessions.getByRole("listitem").filter({ hasText: "This device" })).toContainText("with password and authenticator app");

  // A recovery code instead, once.
  await logOut(page);
  await logIn(page, email);
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(section).toContainText("9 recovery codes left.");

  // New recovery codes need the password and a code; the old ones stop working.
  await section.getByRole("button", { name: "New recovery codes" }).click();
  await section.getByLabel("Your password").fill(PASSWORD);
  await section.getByLabel("6-digit code from your app").fill(await app.nextCode());
  await section.getByRole("button", { name: "Make new codes" }).click();
  const fresh = section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(fresh).toHaveCount(10);
  const download = page.waitForEvent("download");
  await section.getByRole("link", { name: "Download as .txt" }).click();
  expect((await download).suggestedFilename()).toBe("recovery-codes.txt");
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section).toContainText("10 recovery codes left.");

  // Turning it off: a wrong password is refused, then the password and a code.
  await section.getByRole("button", { name: "Turn off" }).click();
  await section.getByLabel("Your password").fill("not my password at all");
  await section.getByLabel("6-digit code from your app").fill("123456");
  await section.getByRole("button", { name: "Turn off" }).click();
  await expect(section.getByRole("alert")).toBeVisible();
  await section.getByLabel("Your password").fill(PASSWORD);
  await section.getByLabel("6-digit code from your app").fill(await app.nextCode());
  await section.getByRole("button", { name: "Turn off" }).click();
  await expect(section.getByText("Two-step verification is off.", { exact: false }).first()).toBeVisible();
  await expect(section.getByRole("button", { name: "Set up two-step verification" })).toBeVisible();
  await logOut(page);
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
});

test("five wrong codes end the log-in step: back to the password", async ({ page }) => {
  const email = freshEmail("totp-tries");
  createAdmin(email, "Tory Tries");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  const { app } = await enrolAuthenticatorApp(page);
  await logOut(page);
  await logIn(page, email);
  for (const left of [4, 3, 2, 1, 0]) {
    await page.getByLabel("6-digit code").fill("000000");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(alertOf(page)).toContainText(`${left} ${left === 1 ? "try" : "tries"} left.`);
  }
  await page.getByLabel("6-digit code").fill(await app.nextCode());
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Log in", exact: true })).toBeVisible();
  await expect(alertOf(page)).toContainText("This log-in step has ended");
  // Cancel also leads back.
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(secondStep(page)).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("heading", { name: "Log in", exact: true })).toBeVisible();
});

test("a passkey: add it, log in with it without an address, as a second step, rename and remove it", async ({ page }) => {
  await addVirtualAuthenticator(page);
  const email = freshEmail("passkey");
  createAdmin(email, "Pat Passkey");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await expect(passkeys.getByText("You have no passkeys yet.")).toBeVisible();
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await passkeys.getByLabel("Passkey name").fill("Test laptop");
  await passkeys.getByLabel("Your password").fill(PASSWORD);
  await passkeys.getByRole("button", { name: "Create passkey" }).click();
  await expect(passkeys.getByRole("status")).toContainText("Passkey “Test laptop” added.");
  const list = passkeys.getByRole("list", { name: "Your passkeys" });
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await expect(list).toContainText("Test laptop");
  await expect(list).toContainText("not used yet");

  // Log in with it, no address typed: two steps at once, and the dashboard opens.
  await logOut(page);
  await page.getByRole("button", { name: "Log in with a passkey" }).click();
  await expect(page).toHaveURL(/\/account$/);
  const current = page.getByRole("list", { name: "Your sessions" }).getByRole("listitem").filter({ hasText: "This device" });
  await expect(current).toContainText("with passkey");
  await expect(current).toContainText("Two-step");
  await expect(list).toContainText("last used");
  await page.goto("/admin");
  await expect(page.getByRole("list", { name: "Users" })).toBeVisible();

  // With the password, the passkey is the second step.
  await logOut(page);
  await logIn(page, email);
  await expect(secondStep(page)).toBeVisible();
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).toHaveURL(/\/account$/);

  await list.getByRole("button", { name: "Rename Test laptop" }).click();
  await list.getByLabel("New name").fill("Work laptop");
  await list.getByRole("button", { name: "Rename passkey" }).click();
  await expect(list).toContainText("Work laptop");
  await list.getByRole("button", { name: "Remove Work laptop" }).click();
  await list.getByLabel("Your password").fill(PASSWORD);
  await list.getByRole("button", { name: "Remove passkey" }).click();
  await expect(passkeys.getByText("You have no passkeys yet.")).toBeVisible();
  await expect(passkeys.getByRole("status")).toContainText("Passkey “Work laptop” removed.");
});

test("an admin is led to set up two-step verification first, then sees and resets others' second factors, and deletes one", async ({
  page,
  browser,
}) => {
  const email = freshEmail("mfa-admin");
  const name = `Mona Admin ${Date.now()}`;
  createAdmin(email, name);
  const otherEmail = freshEmail("mfa-other");
  const otherName = `Owen Other ${Date.now()}`;
  createAdmin(otherEmail, otherName);

  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Set up two-step verification first" })).toBeVisible();
  await expect(page.getByRole("tab")).toHaveCount(0);
  await page.getByRole("link", { name: "Set up two-step verification" }).click();
  await expect(page).toHaveURL(/\/account$/);
  const { app } = await enrolAuthenticatorApp(page);

  // The other admin sets up an app too, in a browser of their own.
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await logIn(other, otherEmail);
  await expect(other).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(other);
  await logOut(other);

  await page.goto("/admin");
  await expect(page.getByRole("list", { name: "Users" })).toBeVisible();
  await page.getByLabel("Search users by name or email").fill(otherName);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("listitem", { name: otherName });
  await expect(row).toContainText("two-step on");
  await page.getByLabel("Two-step verification").selectOption("without");
  await expect(page.getByText("No users match.")).toBeVisible();
  await page.getByLabel("Two-step verification").selectOption("with");
  await expect(row).toBeVisible();

  await row.getByRole("button", { name: `Manage ${otherName}` }).click();
  const panel = page.getByRole("region", { name: `Manage ${otherName}` });
  await panel.getByRole("button", { name: "Reset two-step verification" }).click();
  await panel.getByRole("button", { name: "Yes, reset two-step verification" }).click();
  await expect(page.getByText(`Two-step verification of ${otherName} was reset.`)).toBeVisible();
  await page.getByLabel("Two-step verification").selectOption("without");
  await expect(page.getByRole("listitem", { name: otherName })).toContainText("no two-step");

  // The other admin now logs in with the password alone.
  await logIn(other, otherEmail);
  await expect(other).toHaveURL(/\/account$/);
  await other.goto("/admin");
  await expect(other.getByRole("heading", { name: "Set up two-step verification first" })).toBeVisible();
  await otherContext.close();

  // The admin's own next log-in asks for the code, and leads back to the dashboard.
  await logOut(page);
  await logInWithCode(page, email, app);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await expect(page.getByRole("list", { name: "Users" })).toBeVisible();

  // Deleting the other admin: the notice stays above the list once the row is gone.
  await page.getByLabel("Search users by name or email").fill(otherName);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: `Manage ${otherName}` }).click();
  const otherPanel = page.getByRole("region", { name: `Manage ${otherName}` });
  await otherPanel.getByRole("button", { name: "Delete user" }).click();
  await otherPanel.getByRole("button", { name: `Yes, delete ${otherName}` }).click();
  await expect(page.getByText(`${otherName} was deleted.`)).toBeVisible();
  await expect(page.getByText("No users match.")).toBeVisible();
});
