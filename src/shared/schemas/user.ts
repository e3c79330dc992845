// Inputs and outputs of the user router.
import { z } from "zod";
import { byFlag, CAPABILITIES, ROLE_FLAGS } from "../permissions";
import { currentPasswordSchema, emailSchema, nameSchema, passwordSchema } from "./fields";

/** The caller's own roles (their reportSpammer is for teachers and admins to see, through user.info). */
export const flagsSchema = z.object(byFlag(() => z.boolean(), ROLE_FLAGS));

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

export const deleteUserInput = z.object({ password: currentPasswordSchema });

export const userIdSchema = z.string().trim().min(1, { error: "The user id is missing." }).max(64);

export const infoInput = z.object({ userId: userIdSchema.nullish() }).default({});

export const infoOutput = z.object({
  userId: z.string(),
  name: z.string(),
  ...byFlag(() => z.boolean()),
});

export const permissionsOutput = flagsSchema.extend({
  can: z.object(
    Object.fromEntries(CAPABILITIES.map((action) => [action, z.boolean()])) as Record<(typeof CAPABILITIES)[number], z.ZodBoolean>,
  ),
});
