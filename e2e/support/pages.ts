// Steps a person takes, shared by the browser tests.
import { expect, type Page } from "@playwright/test";
import { PASSWORD } from "./accounts";
import { linkIn, waitForMail } from "./mail";

export async function register(page: Page, email: string, name: string, teacherToken?: string) {
  await page.goto("/register");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  if (teacherToken) await page.getByLabel("Teacher token (optional)").fill(teacherToken);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
}

/**
 * Opens a tab of the admin dashboard. A click that lands before the page's
 * script has run (the heading is already there, rendered by the server) does
 * nothing, so the tab is clicked until it is selected.
 */
export async function openTab(page: Page, name: string) {
  const tab = page.getByRole("tab", { name });
  await expect(async () => {
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true", { timeout: 1000 });
  }).toPass();
}

export async function logOut(page: Page) {
  await page.goto("/account");
  await page.getByRole("button", { name: "Log out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/**
 * Opens a mailed /verify link and presses its button (opening alone confirms
 * nothing); a new account's link asks for the password it was registered with.
 */
export async function confirmAddress(page: Page, link: string, password = PASSWORD) {
  await page.goto(link);
  const asked = page.getByLabel("The password you registered with");
  if (await asked.count()) await asked.fill(password);
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/** Registers a student and confirms the address through the mailed link. */
export async function registerVerifiedStudent(page: Page, email: string, name: string) {
  await register(page, email, name);
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  const mail = await waitForMail(email, /Confirm your email/);
  await confirmAddress(page, linkIn(mail, "/verify"));
}

/** What the log-in page says to a wrong password, an unknown address and an unconfirmed one alike. */
export const WRONG_LOG_IN =
  "The email address or password is not correct. New account? Confirm your address first, with the link in the mail we sent you.";

/** The visible error alert (Next's empty route announcer also has role=alert). */
export const alertOf = (page: Page) => page.getByRole("alert").and(page.locator(":not(#__next-route-announcer__)"));
