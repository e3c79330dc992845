// Options of a new teacher invitation.
import { z } from "zod";
import { TEACHER_TOKEN_LIMITS as LIMITS } from "../policy";
import { emailSchema } from "./fields";
import { freeTextSchema } from "./free-text";

/**
 * The domain of the addresses a token admits: lower case, a leading "@"
 * dropped. It is valid when an address at it would be.
 */
const emailDomainSchema = z
  .string({ error: "Enter a domain such as school.example." })
  .trim()
  .toLowerCase()
  .transform((domain) => domain.replace(/^@/, ""))
  .pipe(
    z
      .string()
      .max(253, { error: "That domain is too long." })
      .refine((domain) => !domain.includes("@") && z.email().safeParse(`teacher@${domain}`).success, {
        error: "Enter a domain such as school.example.",
      }),
  );

export const teacherTokenOptions = z
  .object({
    maxUses: z.number().int().min(LIMITS.maxUses.min).max(LIMITS.maxUses.max).optional(),
    expiresInDays: z.number().int().min(LIMITS.expiresInDays.min).max(LIMITS.expiresInDays.max).optional(),
    note: freeTextSchema("The note must be text.")
      .max(LIMITS.noteLength, { error: `Use at most ${LIMITS.noteLength} characters.` })
      .optional(),
    /** Only this address may register with the token. */
    email: emailSchema.nullish(),
    /** Only addresses at exactly this domain (not its subdomains) may. */
    domain: emailDomainSchema.nullish(),
  })
  .refine((options) => !(options.email && options.domain), {
    path: ["domain"],
    error: "Bind the token to one address or to one domain, not both.",
  });

export type TeacherTokenOptions = z.output<typeof teacherTokenOptions>;
