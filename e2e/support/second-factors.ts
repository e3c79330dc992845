// Two-step verification in the browser tests: an authenticator app computed
// in the test from the setup key the account page shows, enrolment through
// that page, and the log-in's second step.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { expect, type Page } from "@playwright/test";
import { PASSWORD } from "./accounts";
import { logIn } from "./pages";

const PERIOD_MS = 30_000;
const stepAt = (ms: number) => Math.floor(ms / PERIOD_MS);

/**
 * The codes an app would show. The server takes each 30-second step once and
 * one step of drift: a second code within a step is the next step's, a third
 * waits for the step after.
 */
export class AuthenticatorApp {
  private lastStep = -1;
  private readonly key: Uint8Array;

  constructor(readonly setupKey: string) {
    this.key = decodeBase32IgnorePadding(setupKey.replace(/\s/g, ""));
  }

  /** A code the server has not accepted yet. */
  async nextCode(): Promise<string> {
    const step = Math.max(stepAt(Date.now()), this.lastStep + 1);
    // Ahead of the clock by more than one step: wait until the clock is one step behind it.
    const waitMs = (step - 1) * PERIOD_MS - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs + 200));
    this.lastStep = step;
    return generateHOTP(this.key, BigInt(step), 6);
  }
}

/** On the account page (logged in): sets up an authenticator app; answers it and the 10 recovery codes. */
export async function enrolAuthenticatorApp(page: Page, password = PASSWORD): Promise<{ app: AuthenticatorApp; recoveryCodes: string[] }> {
  await page.goto("/account");
  const section = page.getByRole("region", { name: "Two-step verification" });
  await section.getByRole("button", { name: "Set up two-step verification" }).click();
  await section.getByLabel("Your password").fill(password);
  await section.getByRole("button", { name: "Continue" }).click();
  const app = new AuthenticatorApp((await section.getByLabel("Setup key").textContent()) ?? "");
  await section.getByLabel("6-digit code").fill(await app.nextCode());
  await section.getByRole("button", { name: "Turn on" }).click();
  const codes = section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recoveryCodes = (await codes.allTextContents()).map((c) => c.trim());
  await section.getByRole("button", { name: "I have saved them" }).click();
  await expect(section.getByText("Two-step verification is on")).toBeVisible();
  return { app, recoveryCodes };
}

/** Logs in with the password, then a code from the app at the second step. */
export async function logInWithCode(page: Page, email: string, app: AuthenticatorApp, password = PASSWORD) {
  await logIn(page, email, password);
  await expect(page.getByRole("heading", { name: "Two-step verification" })).toBeVisible();
  await page.getByLabel("6-digit code").fill(await app.nextCode());
  await page.getByRole("button", { name: "Continue" }).click();
}
