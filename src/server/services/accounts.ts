// Registration and email verification.
import type { z } from "zod";
import type { registerInput } from "@/shared/schemas/account";
import { AppError } from "../app-error";
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashPassword } from "../auth/password";
import { hashToken, newSecretToken } from "../auth/secret-token";
import { registrationAttemptMail, verifyEmailMail } from "../mail/compose";
import { enqueueMail } from "../mail/outbox";
import { isUniqueViolation } from "../db/errors";
import { emailTaken } from "./email-taken";
import type { RequestMeta, Services } from "./context";
import { previewMailedLink, storeMailedToken, type MailedLinkPreview } from "./mailed-token";
import { issueSession, type IssuedSession } from "./sessions";
import { consumeTeacherToken, isTeacherTokenUsable, teacherTokenInvalid } from "./teacher-tokens";

export const VERIFICATION_TTL_MS = 24 * 3600 * 1000;

/** What registration receives: the shared schema's output (trimmed, normalised). */
export type RegisterRequest = z.output<typeof registerInput>;

/**
 * Creates an account. An address that already has one gets the same answer
 * ({verified: false}) and its owner a mail, so the answer never tells whether
 * an address is registered.
 */
export async function register(s: Services, input: RegisterRequest, meta: RequestMeta): Promise<{ verified: boolean }> {
  await s.rateLimits.consume("register", input.email, meta.ip);
  assertAcceptablePassword(input.password, { emails: [input.email], names: [input.name] });
  if (input.teacherToken && !(await isTeacherTokenUsable(s.db, input.teacherToken))) throw teacherTokenInvalid();

  // Hash before looking the address up: both paths then take the same time.
  const passwordHash = await hashPassword(input.password);
  const existing = await s.db.login.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) return registrationAttempt(s, input.email);

  const teacher = input.teacherToken !== null;
  const verificationToken = newSecretToken();
  const mail = teacher ? null : await verifyEmailMail(input.email, input.name, verifyLink(s, verificationToken));
  try {
    await s.db.$transaction(async (tx) => {
      if (input.teacherToken) await consumeTeacherToken(tx, input.teacherToken);
      const now = new Date();
      const user = await tx.user.create({
        data: {
          name: input.name,
          teacher,
          login: {
            create: { email: input.email, passwordHash, emailVerifiedAt: teacher ? now : null },
          },
        },
        select: { id: true },
      });
      if (mail) {
        const link = { token: verificationToken, userId: user.id, purpose: "verify", email: input.email, ttlMs: VERIFICATION_TTL_MS } as const;
        await storeMailedToken(tx, link, [mail]);
      }
    });
  } catch (error) {
    // A parallel registration of the same address won the race.
    if (isUniqueViolation(error)) return registrationAttempt(s, input.email);
    throw error;
  }
  void s.mail.kick();
  return { verified: teacher };
}

async function registrationAttempt(s: Services, email: string): Promise<{ verified: false }> {
  const owner = await s.db.login.findUnique({ where: { email }, select: { user: { select: { name: true } } } });
  if (owner) {
    await enqueueMail(s.db, await registrationAttemptMail(email, owner.user.name, `${s.config.APP_URL}/login`));
    void s.mail.kick();
  }
  return { verified: false };
}

/** The link that confirms an address (registration and email change). */
export function verifyLink(s: Services, token: string): string {
  return `${s.config.APP_URL}/verify?token=${encodeURIComponent(token)}`;
}

export const tokenInvalid = () =>
  new AppError("BAD_REQUEST", "TOKEN_INVALID", "This link is not valid or has already been used.");
export const tokenExpired = () =>
  new AppError("BAD_REQUEST", "TOKEN_EXPIRED", "This link has expired. Ask for a new one.");

export type AddressLinkPreview = MailedLinkPreview<"verify" | "change-email">;

/**
 * What an address link would confirm, for the /verify page to show before
 * the person presses "Confirm": read only, so a mail scanner opening the link
 * consumes nothing. A link verifyEmail would refuse (the address moved on, or
 * a newer change replaced it) is "invalid" here too.
 */
export async function previewAddressLink(s: Services, token: unknown): Promise<AddressLinkPreview> {
  const preview = await previewMailedLink(s.db, token, ["verify", "change-email"] as const);
  if (preview.state !== "valid") return preview;
  const login = await s.db.login.findUnique({ where: { userId: preview.userId }, select: { email: true, pendingEmail: true } });
  const current = preview.purpose === "change-email" ? login?.pendingEmail === preview.email : login?.email === preview.email;
  return current ? preview : { state: "invalid" };
}

/** Confirms an address from its emailed link and logs its owner in. */
export async function verifyEmail(s: Services, token: string, meta: RequestMeta): Promise<IssuedSession> {
  const row = await s.db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, email: true, purpose: true, expiresAt: true, usedAt: true },
  });
  // Only address links log in here; a password-reset link is not one.
  if (!row || row.usedAt || (row.purpose !== "verify" && row.purpose !== "change-email")) throw tokenInvalid();
  if (row.expiresAt.getTime() <= Date.now()) throw tokenExpired();
  return s.db.$transaction(async (tx) => {
    const now = new Date();
    // Conditional update: of parallel uses of one link, exactly one wins.
    const { count } = await tx.emailVerificationToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (count !== 1) throw tokenInvalid();
    if (row.purpose === "change-email") {
      // Moves the login to the new address, if it is still the pending one and free.
      try {
        const { count: moved } = await tx.login.updateMany({
          where: { userId: row.userId, pendingEmail: row.email },
          data: { email: row.email, pendingEmail: null, emailVerifiedAt: now },
        });
        if (moved !== 1) throw tokenInvalid();
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
    } else {
      const { count: logins } = await tx.login.updateMany({
        where: { userId: row.userId, email: row.email },
        data: { emailVerifiedAt: now },
      });
      if (logins !== 1) throw tokenInvalid();
    }
    return issueSession(tx, s.config.SESSION_TTL_SECONDS, row.userId, meta);
  });
}

/** Sends a fresh link to an unverified address; earlier links stop working. */
export async function resendVerification(s: Services, email: string, meta: RequestMeta): Promise<{ ok: true }> {
  await s.rateLimits.consume("resendVerification", email, meta.ip);
  const login = await s.db.login.findUnique({
    where: { email },
    select: { userId: true, emailVerifiedAt: true, user: { select: { name: true } } },
  });
  if (login && !login.emailVerifiedAt) {
    const token = newSecretToken();
    const mail = await verifyEmailMail(email, login.user.name, verifyLink(s, token));
    await s.db.$transaction((tx) =>
      storeMailedToken(tx, { token, userId: login.userId, purpose: "verify", email, ttlMs: VERIFICATION_TTL_MS }, [mail]),
    );
    void s.mail.kick();
  }
  return { ok: true };
}
