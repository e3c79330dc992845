// Inputs and outputs of two-step verification and passkeys: the log-in's
// second step, the authenticator app, recovery codes, passkeys and
// re-authentication for sensitive changes.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/browser";
import { z } from "zod";
import { currentPasswordSchema, tokenSchema } from "./fields";
import { freeTextSchema } from "./free-text";

export const SECOND_FACTOR_METHODS = ["totp", "recovery", "passkey"] as const;
export type SecondFactorMethod = (typeof SECOND_FACTOR_METHODS)[number];

/** How a session was reached (Session.method); "link": a mailed confirmation link. */
export const SESSION_METHODS = ["password", "totp", "recovery", "passkey", "link"] as const;

/** A 6-digit code from an authenticator app; spaces are ignored. */
const totpCodeSchema = z
  .string({ error: "Enter the 6-digit code from your app." })
  .transform((code) => code.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { error: "Enter the 6-digit code from your app." }));

const recoveryCodeSchema = z
  .string({ error: "Enter a recovery code." })
  .trim()
  .min(1, { error: "Enter a recovery code." })
  .max(32, { error: "That is not a recovery code." });

const webauthnText = z.string().max(16_384);

/** A browser's WebAuthn answer (@simplewebauthn/browser's JSON), bounded; the server verifies its content. */
const credentialJson = z.object({
  id: z.string().min(1).max(1_024),
  rawId: z.string().min(1).max(1_024),
  type: z.literal("public-key"),
  response: z.record(z.string(), z.union([webauthnText, z.array(z.string().max(32)).max(10), z.number()])),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(32).optional(),
});

const passkeyAssertionSchema = credentialJson as unknown as z.ZodType<AuthenticationResponseJSON>;
const passkeyRegistrationSchema = credentialJson as unknown as z.ZodType<RegistrationResponseJSON>;

export const passkeyNameSchema = freeTextSchema("Name the passkey.")
  .min(1, { error: "Name the passkey." })
  .max(60, { error: "Use at most 60 characters." });

/**
 * Proof for a sensitive change: the password or an authenticator-app code (or
 * neither, within 10 minutes of a log-in; adding a passkey always needs one).
 */
export const reauthenticationFields = {
  password: currentPasswordSchema.optional(),
  code: totpCodeSchema.optional(),
};

export const completeSecondFactorInput = z
  .object({
    ticket: tokenSchema,
    totp: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
    passkey: passkeyAssertionSchema.optional(),
  })
  .refine((input) => [input.totp, input.recoveryCode, input.passkey].filter((v) => v !== undefined).length === 1, {
    error: "Give exactly one of totp, recoveryCode or passkey.",
    path: ["totp"],
  });

export const ticketInput = z.object({ ticket: tokenSchema });

export const secondFactorDueOutput = z.object({
  secondFactor: z.object({
    ticket: z.string(),
    methods: z.array(z.enum(SECOND_FACTOR_METHODS)),
    expiresAt: z.iso.datetime(),
  }),
});

const passkeyRequestOptions = z.custom<PublicKeyCredentialRequestOptionsJSON>((v) => typeof v === "object" && v !== null);
const passkeyCreationOptions = z.custom<PublicKeyCredentialCreationOptionsJSON>((v) => typeof v === "object" && v !== null);

/** Options for navigator.credentials.get, and the id of the challenge they carry. */
export const passkeyLogInOptionsOutput = z.object({ challengeId: z.string(), options: passkeyRequestOptions });
export const passkeyLogInInput = z.object({ challengeId: tokenSchema, passkey: passkeyAssertionSchema });

export const passkeyRegistrationOptionsInput = z.object(reauthenticationFields);
export const passkeyRegistrationOptionsOutput = z.object({ challengeId: z.string(), options: passkeyCreationOptions });
export const addPasskeyInput = z.object({ challengeId: tokenSchema, name: passkeyNameSchema, passkey: passkeyRegistrationSchema });

const passkeyView = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const secondFactorsOutput = z.object({
  totp: z.object({ enabled: z.boolean(), since: z.iso.datetime().nullable() }),
  recoveryCodesLeft: z.number().int(),
  passkeys: z.array(passkeyView),
});

export const startTotpInput = z.object({ password: currentPasswordSchema });
export const startTotpOutput = z.object({
  /** The secret in base32, grouped by four, for typing into an app. */
  secret: z.string(),
  /** The otpauth:// URI the QR code carries. */
  uri: z.string(),
  /** The QR code as an SVG data URL. */
  qrCode: z.string(),
});
export const confirmTotpInput = z.object({ code: totpCodeSchema });
export const recoveryCodesOutput = z.object({ recoveryCodes: z.array(z.string()) });
/** Turning the app off or making new recovery codes: the password and a current code, both. */
export const passwordAndCodeInput = z.object({ password: currentPasswordSchema, code: totpCodeSchema });

export const passkeyIdInput = z.object({ id: z.string().trim().min(1).max(64), ...reauthenticationFields });
export const renamePasskeyInput = z.object({ id: z.string().trim().min(1).max(64), name: passkeyNameSchema });
