// Field rules shared by the API and the pages (client-side messages).
import { z } from "zod";
import { freeTextSchema } from "./free-text";

export const PASSWORD_MIN = 12;
const PASSWORD_MAX = 128;
const NAME_MAX = 100;
const EMAIL_MAX = 254;

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, { error: "That email address is too long." })
  .pipe(z.email({ error: "Enter a valid email address." }));

export const passwordSchema = z
  .string({ error: "Enter a password." })
  .min(PASSWORD_MIN, { error: `Use at least ${PASSWORD_MIN} characters.` })
  .max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters.` });

/** A password being checked (log-in), not chosen: only bounded, never rejected for weakness. */
export const currentPasswordSchema = z
  .string({ error: "Enter your password." })
  .min(1, { error: "Enter your password." })
  .max(PASSWORD_MAX * 4, { error: "That password is too long." });

/** A person's name: free text (NFC, no controls or bidi overrides), 1–100 characters. */
export const nameSchema = freeTextSchema("Enter your name.")
  .min(1, { error: "Enter your name." })
  .max(NAME_MAX, { error: `Use at most ${NAME_MAX} characters.` });

/** Opaque tokens from links and invitations: base64url, bounded. */
export const tokenSchema = z
  .string({ error: "The token is missing." })
  .trim()
  .min(1, { error: "The token is missing." })
  .max(200, { error: "The token is too long." });
