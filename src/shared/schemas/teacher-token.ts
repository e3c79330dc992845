// Options of a new teacher invitation.
import { z } from "zod";

export const teacherTokenOptions = z.object({
  maxUses: z.number().int().min(1).max(1000).optional(),
  expiresInDays: z.number().int().min(1).max(90).optional(),
  note: z.string().trim().max(200).optional(),
});
