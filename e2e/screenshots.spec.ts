// Screenshots of every page, at desktop and phone widths, for people to look at
// (e2e/.artifacts/screenshots). Each also checks the page has no horizontal scroll.
import { expect, test } from "@playwright/test";
import { freshEmail, PASSWORD } from "./support/accounts";
import { linkIn, waitForMail } from "./support/mail";

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
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await shot("register-done");
  await page.goto("/verify?token=not-a-real-token");
  await expect(page.getByRole("alert").filter({ hasText: /./ })).toBeVisible();
  await shot("verify-failed");
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill("wrong password entirely");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /./ })).toBeVisible();
  await shot("login-error");
  const mail = await waitForMail(email, /Confirm your email/);
  await page.goto(linkIn(mail, "/verify"));
  await expect(page.getByRole("heading", { name: /Hello/ })).toBeVisible();
  await shot("account");
});
