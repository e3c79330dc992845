// Inputs and outputs of registration and email verification.
import { z } from "zod";
import { currentPasswordSchema, emailSchema, nameSchema, passwordSchema, tokenSchema } from "./fields";

export const registerInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: nameSchema,
  teacherToken: z
    .string()
    .trim()
    .max(200, { error: "The teacher token is too long." })
    .nullish()
    .transform((v) => (v ? v : null)),
});

export const registerOutput = z.object({ verified: z.boolean() });

/**
 * `password`: the password chosen at registration. The /verify page always
 * sends it for a new account's link, so that a link confirms only the account
 * its clicker registered (the newest registration of an unconfirmed address
 * replaces the older one); API clients may leave it out.
 */
export const verifyInput = z.object({ token: tokenSchema, password: currentPasswordSchema.optional() });

export const resendVerificationInput = z.object({ email: emailSchema });

export const requestPasswordResetInput = z.object({ email: emailSchema });

export const resetPasswordInput = z.object({ token: tokenSchema, password: passwordSchema });

export const okOutput = z.object({ ok: z.literal(true) });
