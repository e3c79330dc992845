// Inputs and outputs of the session procedures.
import { z } from "zod";
import { currentPasswordSchema, emailSchema } from "./fields";
import { reauthenticationFields, SESSION_METHODS, secondFactorDueOutput } from "./second-factor";

export const createSessionInput = z.object({
  email: emailSchema,
  password: currentPasswordSchema,
});

/** A session as the API shows it: dates are ISO strings (no transformer). */
export const sessionOutput = z.object({
  userId: z.string(),
  expiresAt: z.iso.datetime(),
  /** Assurance level: aal1 (one factor), aal2 (two). */
  aal: z.enum(["aal1", "aal2"]),
  /** How the session was reached. */
  method: z.enum(SESSION_METHODS),
});

/** A session as sessionOutput shows it, from a session the server holds. */
export function sessionView(session: { userId: string; expiresAt: Date; aal: "aal1" | "aal2"; method: (typeof SESSION_METHODS)[number] }) {
  return { userId: session.userId, expiresAt: session.expiresAt.toISOString(), aal: session.aal, method: session.method };
}

/** session.create: a session, or (the account has a second factor) a ticket for the second step. */
export const createSessionOutput = z.union([sessionOutput, secondFactorDueOutput]);

const ownSessionView = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  /** Browser and system read from the user agent, e.g. "Chrome on Linux (desktop)". */
  device: z.string(),
  current: z.boolean(),
  aal: z.enum(["aal1", "aal2"]),
  method: z.enum(SESSION_METHODS),
});

export const sessionListOutput = z.array(ownSessionView);

/** Ending another of one's sessions is a sensitive change: a stale session gives the password or a code. */
export const revokeSessionInput = z.object({ id: z.string().trim().min(1).max(64), ...reauthenticationFields });
export const revokeOtherSessionsInput = z.object(reauthenticationFields).optional();
