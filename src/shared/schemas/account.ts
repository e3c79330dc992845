// Inputs and outputs of registration and email verification.
import { z } from "zod";
import { emailSchema, nameSchema, passwordSchema, tokenSchema } from "./fields";

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

export const verifyInput = z.object({ token: tokenSchema });

export const resendVerificationInput = z.object({ email: emailSchema });

export const requestPasswordResetInput = z.object({ email: emailSchema });

export const resetPasswordInput = z.object({ token: tokenSchema, password: passwordSchema });

export const okOutput = z.object({ ok: z.literal(true) });
