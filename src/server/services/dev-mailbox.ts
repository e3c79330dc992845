// The development mailbox (/dev/mailbox): the mail kept because no
// RESEND_API_KEY is set (mail/outbox.ts). The page shows it only outside production.
import { findKeptMail } from "../db/mail-outbox";
import type { Services } from "./service-container";

/** The newest mails kept instead of sent. */
export async function listKeptMail(s: Services, take = 50) {
  return findKeptMail(s.db, take);
}
