// Options of a new teacher invitation.
import { z } from "zod";
import { freeTextSchema } from "./free-text";

export const teacherTokenOptions = z.object({
  maxUses: z.number().int().min(1).max(1000).optional(),
  expiresInDays: z.number().int().min(1).max(90).optional(),
  note: freeTextSchema("The note must be text.").max(200, { error: "Use at most 200 characters." }).optional(),
});
