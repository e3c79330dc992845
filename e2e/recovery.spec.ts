import { expect, test } from "@playwright/test";
import { freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";
import { alertOf, logIn, registerVerifiedStudent, WRONG_LOG_IN } from "./support/pages";

test("forgot password → mail → new password → log in", async ({ page }) => {
  const email = freshEmail("forgot");
  await registerVerifiedStudent(page, email, "Fran Forgetful");
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  // The log-in page has an "Email address" field too: fill only once the new page is there.
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const mail = await waitForMail(email, /Choose a new password/);
  await page.goto(linkIn(mail, "/reset-password"));
  await expect(page.getByText(`For ${email}.`)).toBeVisible();
  // The meter and the page's own check judge against the account's name, as the server does.
  await page.getByLabel("New password", { exact: true }).fill("forgetful fran again");
  await expect(page.getByText("Strength: Not accepted. Do not use your name in your password.")).toBeVisible();
  await page.getByLabel("Repeat the new password").fill("forgetful fran again");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.locator(".field-error")).toHaveText("Do not use your name in your password.");
  await page.getByLabel("New password", { exact: true }).fill("my brand new passphrase");
  await page.getByLabel("Repeat the new password").fill("my brand new passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("heading", { name: "Your password was changed" })).toBeVisible();
  await waitForMail(email, /Your password was changed/);

  await logIn(page, email, PASSWORD);
  await expect(alertOf(page)).toHaveText(WRONG_LOG_IN);
  await logIn(page, email, "my brand new passphrase");
  await expect(page).toHaveURL(/\/account$/);

  // The link worked once: opened again, the page says so before anything is typed.
  await page.goto(linkIn(mail, "/reset-password"));
  await expect(page.getByRole("heading", { name: "This link was already used" })).toBeVisible();
  await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);
});

test("logging out other devices from /account ends them on their next request", async ({ page, browser }) => {
  const email = freshEmail("devices");
  await registerVerifiedStudent(page, email, "Dev Ices");

  const phone = await browser.newContext({
    userAgent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  });
  const phonePage = await phone.newPage();
  await logIn(phonePage, email);
  await expect(phonePage).toHaveURL(/\/account$/);

  await page.reload();
  const sessions = page.getByRole("list", { name: "Your sessions" });
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await expect(sessions).toContainText("Safari on iOS (mobile)");
  await expect(sessions).toContainText("This device");
  // This session came from the confirmation link, with no password typed: ending
  // another device asks for it first (a stolen cookie must not lock the owner out).
  await page.getByRole("button", { name: "Log out other devices" }).click();
  const confirm = page.getByRole("form", { name: "Confirm it’s you" });
  await expect(confirm).toContainText("Enter your password to log out your other devices.");
  await confirm.getByLabel("Your password").fill("not my password at all");
  await confirm.getByRole("button", { name: "Log out" }).click();
  await expect(alertOf(page)).toHaveText("Your current password is not correct.");
  await expect(sessions.getByRole("listitem")).toHaveCount(2);
  await confirm.getByLabel("Your password").fill(PASSWORD);
  await confirm.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByText("Logged out of 1 other device.")).toBeVisible();
  await expect(confirm).toHaveCount(0);
  await expect(sessions.getByRole("listitem")).toHaveCount(1);

  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/login\?next=/);
  await phone.close();
});
