// Reads the mail the app sent, from the local Resend capture server.
import { expect } from "@playwright/test";
import { CAPTURE_PORT } from "../../playwright.config";
import type { CapturedMail } from "../../tests/support/resend-capture";

const CAPTURE_URL = `http://127.0.0.1:${CAPTURE_PORT}`;

async function mailsTo(address: string): Promise<CapturedMail[]> {
  const res = await fetch(`${CAPTURE_URL}/emails`);
  const all = (await res.json()) as CapturedMail[];
  return all.filter((m) => m.to.includes(address));
}

/** Waits for the newest mail to an address whose subject matches. */
export async function waitForMail(address: string, subject: RegExp): Promise<CapturedMail> {
  let found: CapturedMail | undefined;
  await expect
    .poll(
      async () => {
        found = (await mailsTo(address)).filter((m) => subject.test(m.subject)).at(-1);
        return !!found;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

export function linkIn(mail: CapturedMail, path: string): string {
  const link = mail.text.match(/https?:\/\/[^\s)\]]+/g)?.find((l) => new URL(l).pathname === path);
  if (!link) throw new Error(`no ${path} link in mail:\n${mail.text}`);
  return link;
}
