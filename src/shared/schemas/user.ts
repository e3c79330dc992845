// What a page may know about the signed-in user.
import { z } from "zod";

export const flagsSchema = z.object({
  teacher: z.boolean(),
  admin: z.boolean(),
  privilegedStudent: z.boolean(),
});

export const meOutput = flagsSchema.extend({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Me = z.infer<typeof meOutput>;
