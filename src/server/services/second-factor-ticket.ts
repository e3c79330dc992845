// The log-in's second step begins: the password was right and the account
// has a second factor, so instead of a session the client gets a ticket (a
// bearer token, only its SHA-256 stored) that lasts 5 minutes, admits 5
// wrong codes and opens one session (second-factor-login.ts).
import { SECOND_FACTOR } from "@/shared/policy";
import type { SecondFactorMethod } from "@/shared/schemas/second-factor";
import { hashToken, newSecretToken } from "../auth/secret-token";
import { insertChallenge } from "../db/auth-challenges";
import { secondFactorsOf } from "../db/second-factors";
import type { Services } from "./service-container";

export type SecondFactorDue = { ticket: string; methods: SecondFactorMethod[]; expiresAt: Date };

export async function issueSecondFactorTicket(s: Services, userId: string): Promise<SecondFactorDue> {
  const has = await secondFactorsOf(s.db, userId);
  const methods: SecondFactorMethod[] = [];
  if (has.totp) methods.push("totp");
  if (has.recoveryCodes > 0) methods.push("recovery");
  if (has.passkey) methods.push("passkey");
  const ticket = newSecretToken();
  const expiresAt = new Date(Date.now() + SECOND_FACTOR.ticketSeconds * 1000);
  await insertChallenge(s.db, { tokenHash: hashToken(ticket), purpose: "second-factor", userId, challenge: null, expiresAt });
  return { ticket, methods, expiresAt };
}
