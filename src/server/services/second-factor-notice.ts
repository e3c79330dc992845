// Every change to an account's second factors is mailed to its address: a
// passkey logs in without the address or the password, and survives a
// password reset, so one added by someone holding a stolen session must not
// go unnoticed. Queued in the change's own transaction (the worker sends it).
import { findLoginEmail } from "../db/users";
import type { SecondFactorChange } from "../mail/mail-kinds";
import { enqueueMail } from "../mail/outbox";

type Tx = Parameters<typeof findLoginEmail>[0] & Parameters<typeof enqueueMail>[0];

export async function noticeSecondFactorChange(tx: Tx, userId: string, change: SecondFactorChange, passkeyName?: string): Promise<void> {
  const login = await findLoginEmail(tx, userId);
  if (!login) return;
  await enqueueMail(tx, {
    kind: "second-factor-changed",
    to: login.email,
    userId,
    params: { change, ...(passkeyName ? { passkeyName } : {}) },
  });
}
