// Inputs and outputs of the user router.
import { z } from "zod";
import { currentPasswordSchema, emailSchema, nameSchema, passwordSchema } from "./fields";

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
  /** A new address waiting for confirmation, or null. */
  pendingEmail: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Me = z.infer<typeof meOutput>;

/** Unknown keys are ignored (stripped), as seed 000 asks. */
export const updateUserInput = z.object({
  name: nameSchema.optional(),
  email: emailSchema.optional(),
  /** Needed to change the email address (or give `password.current`). */
  currentPassword: currentPasswordSchema.optional(),
  password: z
    .object({
      current: currentPasswordSchema,
      next: passwordSchema,
    })
    .optional(),
});
export type UpdateUserInput = z.input<typeof updateUserInput>;

export const deleteUserInput = z.object({ password: currentPasswordSchema });

export const userIdSchema = z.string().trim().min(1, { error: "The user id is missing." }).max(64);

export const infoInput = z.object({ userId: userIdSchema.nullish() }).default({});

export const infoOutput = z.object({
  userId: z.string(),
  name: z.string(),
  teacher: z.boolean(),
  admin: z.boolean(),
  privilegedStudent: z.boolean(),
  reportSpammer: z.boolean(),
});

export const permissionsOutput = flagsSchema.extend({
  can: z.object({
    viewUsers: z.boolean(),
    setPrivilegedStudent: z.boolean(),
    setReportSpammer: z.boolean(),
    setTeacher: z.boolean(),
    setAdmin: z.boolean(),
    manageTeacherTokens: z.boolean(),
    deleteUsers: z.boolean(),
  }),
});
