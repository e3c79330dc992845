// Inputs and outputs of the session procedures.
import { z } from "zod";
import { currentPasswordSchema, emailSchema } from "./fields";

export const createSessionInput = z.object({
  email: emailSchema,
  password: currentPasswordSchema,
});
export type CreateSessionInput = z.input<typeof createSessionInput>;

/** A session as the API shows it: dates are ISO strings (no transformer). */
export const sessionOutput = z.object({
  userId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type SessionOutput = z.infer<typeof sessionOutput>;
