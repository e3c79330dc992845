// Options of a new teacher invitation.
import { z } from "zod";
import { emailSchema } from "./fields";
import { freeTextSchema } from "./free-text";

/**
 * The domain of the addresses a token admits: lower case, a leading "@"
 * dropped. It is valid when an address at it would be.
 */
export const emailDomainSchema = z
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
    maxUses: z.number().int().min(1).max(1000).optional(),
    expiresInDays: z.number().int().min(1).max(90).optional(),
    note: freeTextSchema("The note must be text.").max(200, { error: "Use at most 200 characters." }).optional(),
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
