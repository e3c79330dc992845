// Inputs and outputs of the session procedures.
import { z } from "zod";
import { currentPasswordSchema, emailSchema } from "./fields";

export const createSessionInput = z.object({
  email: emailSchema,
  password: currentPasswordSchema,
});

/** A session as the API shows it: dates are ISO strings (no transformer). */
export const sessionOutput = z.object({
  userId: z.string(),
  expiresAt: z.iso.datetime(),
});

const ownSessionView = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  /** Browser and system read from the user agent, e.g. "Chrome on Linux (desktop)". */
  device: z.string(),
  current: z.boolean(),
});

export const sessionListOutput = z.array(ownSessionView);

export const revokeSessionInput = z.object({ id: z.string().trim().min(1).max(64) });
