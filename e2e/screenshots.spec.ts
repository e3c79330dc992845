// Screenshots of every page, at desktop and phone widths, for people to look at
// (e2e/.artifacts/screenshots). Each also checks the page has no horizontal scroll.
import { expect, test } from "@playwright/test";
import { E2E_URL } from "../playwright.config";
import { createAdmin, freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";
import { alertOf, logIn, openTab, registerVerifiedStudent } from "./support/pages";
import { AuthenticatorApp, enrolAuthenticatorApp } from "./support/second-factors";

const dir = "e2e/.artifacts/screenshots";

test("every page, as a person sees it", async ({ page }, testInfo) => {
  const shot = async (name: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${dir}/${testInfo.project.name}-${name}.png`, fullPage: true });
  };
  await page.goto("/");
  await shot("home");
  await page.goto("/register");
  await page.getByRole("button", { name: "Create account" }).click();
  await shot("register-errors");
  const email = freshEmail(`shot-${testInfo.project.name}`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Your name").fill("Morgan Example");
  await page.getByLabel("Password").fill("morgan123456");
  await expect(page.getByText("Strength: Not accepted.")).toBeVisible();
  await shot("register-meter-refused");
  await page.getByLabel("Password").fill(PASSWORD);
  await expect(page.getByText(/Strength: (Good|Strong)\./)).toBeVisible();
  await shot("register-meter");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await shot("register-done");
  await page.goto("/verify?token=not-a-real-token");
  await expect(alertOf(page)).toBeVisible();
  await shot("verify-failed");
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("wrong password entirely");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(alertOf(page)).toBeVisible();
  await shot("login-error");
  await page.goto("/forgot-password");
  await shot("forgot-password");
  await page.goto("/reset-password?token=not-a-real-token");
  await shot("reset-password-broken");
  const mail = await waitForMail(email, /Confirm your email/);
  await page.goto(linkIn(mail, "/verify"));
  await expect(page.getByRole("button", { name: "Confirm my email address" })).toBeVisible();
  await shot("verify");
  await page.getByLabel("The password you registered with").fill(PASSWORD);
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByRole("heading", { name: /Hello/ })).toBeVisible();
  await shot("account");
  await page.goto("/forgot-password");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const reset = await waitForMail(email, /Choose a new password/);
  await page.goto(linkIn(reset, "/reset-password"));
  await page.getByLabel("New password", { exact: true }).fill("tangerine oboe");
  await expect(page.getByText(/Strength: \w/)).toBeVisible();
  await shot("reset-password");

  // An address change waiting for confirmation, and the old address's way back once it is confirmed.
  await page.goto("/account");
  const moved = freshEmail(`shot-moved-${testInfo.project.name}`);
  await page.getByLabel("New email address").fill(moved);
  await page.getByLabel("Confirm with your password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(`Waiting for confirmation: ${moved}`)).toBeVisible();
  await shot("account-email-pending");
  await page.goto(linkIn(await waitForMail(moved, /Confirm your new email/), "/verify"));
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page.getByRole("heading", { name: /Hello/ })).toBeVisible();
  await page.goto(linkIn(await waitForMail(email, /email address was changed/), "/reset-password"));
  await expect(page.getByRole("heading", { name: "Take your account back" })).toBeVisible();
  await shot("take-back");
});

test("the admin dashboard and the 403 page, as a person sees them", async ({ page }, testInfo) => {
  const shot = async (name: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${dir}/${testInfo.project.name}-${name}.png`, fullPage: true });
  };
  const email = freshEmail(`shot-admin-${testInfo.project.name}`);
  createAdmin(email, "Dana Admin");
  // A mistyped password first, so that the user panel's security events show a warning beside the log-in.
  await logIn(page, email, "a mistyped password here");
  await expect(alertOf(page)).toBeVisible();
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(page);
  await page.goto("/admin");
  await expect(page.getByRole("list", { name: "Users" })).toBeVisible();
  await page.getByRole("button", { name: "Manage Dana Admin" }).first().click();
  await expect(page.getByRole("list", { name: "Security events" }).getByRole("listitem")).toHaveCount(3);
  await shot("admin-users");
  await page
    .getByRole("region", { name: "Manage Dana Admin" })
    .first()
    .screenshot({ path: `${dir}/${testInfo.project.name}-admin-user-events.png` });
  await openTab(page, "Teacher tokens");
  await page.getByLabel("Note (optional)").fill("Maths department");
  await page.getByRole("radio", { name: "Addresses at one domain" }).check();
  await page.getByLabel("Email domain").fill("school.example");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByLabel("New teacher token")).toBeVisible();
  await shot("admin-tokens");
  await openTab(page, "Audit log");
  await expect(page.getByRole("list", { name: "Audit entries" })).toBeVisible();
  await shot("admin-audit");
  await page.getByRole("link", { name: "Your account" }).click();
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  const student = freshEmail(`shot-student-${testInfo.project.name}`);
  await registerVerifiedStudent(page, student, "Robin Student");
  await shot("account-settings");
  await page.goto("/admin");
  await shot("forbidden");
});

test("two-step verification and passkeys, as a person sees them", async ({ page }, testInfo) => {
  const shot = async (name: string) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${dir}/${testInfo.project.name}-${name}.png`, fullPage: true });
  };
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  const email = freshEmail(`shot-2fa-${testInfo.project.name}`);
  createAdmin(email, "Kim Keys");
  await logIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Set up two-step verification first" })).toBeVisible();
  await shot("admin-second-factor-needed");

  await page.goto("/account");
  const twoStep = page.getByRole("region", { name: "Two-step verification" });
  await twoStep.getByRole("button", { name: "Set up two-step verification" }).click();
  await twoStep.getByLabel("Your password").fill(PASSWORD);
  await twoStep.getByRole("button", { name: "Continue" }).click();
  await expect(twoStep.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeVisible();
  await twoStep.screenshot({ path: `${dir}/${testInfo.project.name}-account-two-step-scan.png` });
  const app = new AuthenticatorApp((await twoStep.getByLabel("Setup key").textContent()) ?? "");
  await twoStep.getByLabel("6-digit code").fill(await app.nextCode());
  await twoStep.getByRole("button", { name: "Turn on" }).click();
  await expect(twoStep.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await twoStep.screenshot({ path: `${dir}/${testInfo.project.name}-account-recovery-codes.png` });
  await twoStep.getByRole("button", { name: "I have saved them" }).click();
  await twoStep.getByRole("button", { name: "Turn off" }).click();
  await expect(twoStep.getByLabel("6-digit code from your app")).toBeVisible();
  await twoStep.screenshot({ path: `${dir}/${testInfo.project.name}-account-two-step-turn-off.png` });
  await twoStep.getByRole("button", { name: "Cancel" }).click();

  const passkeys = page.getByRole("region", { name: "Passkeys" });
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await passkeys.getByLabel("Passkey name").fill("Kim's phone");
  await passkeys.getByLabel("Your password").fill(PASSWORD);
  await passkeys.getByRole("button", { name: "Create passkey" }).click();
  await expect(passkeys.getByRole("list", { name: "Your passkeys" }).getByRole("listitem")).toHaveCount(1);
  await shot("account-two-step-on");

  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await shot("login-with-passkey-button");
  await logIn(page, email);
  await expect(page.getByRole("heading", { name: "Two-step verification", level: 1 })).toBeVisible();
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(alertOf(page)).toContainText("tries left");
  await shot("login-second-step-wrong-code");
  await page.getByRole("button", { name: "Use a recovery code" }).click();
  await expect(page.getByLabel("Recovery code")).toBeVisible();
  await shot("login-second-step-recovery");
});

test("the API reference renders offline from our own origin", async ({ page }, testInfo) => {
  const outside: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${E2E_URL}/`) && !r.url().startsWith("data:")) outside.push(r.url());
  });
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { name: /Accounts API/ })).toBeVisible();
  await expect(page.getByText("/api/user/session/create").first()).toBeVisible();
  await expect(page.getByText("/user/update").first()).toBeVisible();
  expect(outside).toEqual([]);
  await page.screenshot({ path: `${dir}/${testInfo.project.name}-api-docs.png`, fullPage: false });
});
