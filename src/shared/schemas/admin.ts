// Inputs and outputs of the admin router.
import { z } from "zod";
import { byFlag } from "../permissions";
import { reauthenticationFields } from "./second-factor";
import { teacherTokenOptions } from "./teacher-token";
import { userIdSchema } from "./user";

const flagChange = z.boolean().nullish();

/**
 * Granting admin also takes a proof (reauthenticationFields): the password or a
 * code, needed when the session last proved its user over 10 minutes ago.
 */
export const setFlagsInput = z.object({
  userId: userIdSchema.nullish(),
  ...byFlag(() => flagChange),
  ...reauthenticationFields,
});

export const userFlagsOutput = z.object({
  userId: z.string(),
  ...byFlag(() => z.boolean()),
});

const cursorSchema = z.string().max(200).nullish();
const limitSchema = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

export const listUsersInput = z
  .object({
    // Names are stored in NFC: a search typed in another form finds them too.
    query: z.string().normalize("NFC").trim().max(254).nullish(),
    flags: z.object(byFlag(() => z.boolean().optional())).nullish(),
    /** Only users with (true) or without (false) a second factor. */
    secondFactor: z.boolean().nullish(),
    cursor: cursorSchema,
    limit: limitSchema(100, 50),
  })
  .default({ limit: 50 });

export const listedUser = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  createdAt: z.iso.datetime(),
  ...byFlag(() => z.boolean()),
  /** Has an authenticator app or a passkey; null for a caller who may not see it (viewSecondFactors). */
  secondFactor: z.boolean().nullable(),
});
export type ListedUser = z.infer<typeof listedUser>;

export const listUsersOutput = z.object({ items: z.array(listedUser), nextCursor: z.string().nullable() });

export const userIdInput = z.object({ userId: userIdSchema });
/** For the changes a stolen admin session must not make without a fresh proof: deleting an account, resetting its second factors. */
export const userIdWithProofInput = userIdInput.extend(reauthenticationFields);

export const createTeacherTokenInput = teacherTokenOptions.default({});
export const createTeacherTokenOutput = z.object({
  id: z.string(),
  token: z.string(),
  expiresAt: z.iso.datetime(),
  email: z.string().nullable(),
  domain: z.string().nullable(),
});

const teacherTokenState = z.enum(["active", "expired", "revoked", "used"]);

const teacherTokenView = z.object({
  id: z.string(),
  note: z.string().nullable(),
  /** The one address, or the domain, the token is bound to (at most one is set). */
  email: z.string().nullable(),
  domain: z.string().nullable(),
  maxUses: z.number(),
  uses: z.number(),
  usesLeft: z.number(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  state: teacherTokenState,
});

export const listTeacherTokensOutput = z.object({ items: z.array(teacherTokenView) });

export const revokeTeacherTokenInput = z.object({ id: z.string().trim().min(1).max(64) });

export const auditLogInput = z
  .object({ userId: userIdSchema.nullish(), cursor: cursorSchema, limit: limitSchema(100, 50) })
  .default({ limit: 50 });

const auditEntryView = z.object({
  id: z.string(),
  actor: z.object({ id: z.string().nullable(), label: z.string(), email: z.string().nullable() }),
  target: z.object({ id: z.string().nullable(), label: z.string().nullable() }),
  action: z.string(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export const auditLogOutput = z.object({ items: z.array(auditEntryView), nextCursor: z.string().nullable() });

export const revokedOutput = z.object({ revoked: z.number() });

export const securityEventsInput = z.object({ userId: userIdSchema, cursor: cursorSchema, limit: limitSchema(100, 20) });

const securityEventView = z.object({
  id: z.string(),
  /** One of SECURITY_EVENT_TYPES (src/shared/security-events.ts). */
  type: z.string(),
  createdAt: z.iso.datetime(),
  /** The client address the request came from, and its browser in words ("Firefox on Linux (desktop)"). */
  ip: z.string().nullable(),
  device: z.string().nullable(),
  /** The address concerned (a reset link's, an email change's), when there is one. */
  email: z.string().nullable(),
  /** Who acted, when it was someone else (an admin). */
  actor: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type SecurityEventView = z.infer<typeof securityEventView>;

export const securityEventsOutput = z.object({ items: z.array(securityEventView), nextCursor: z.string().nullable() });
