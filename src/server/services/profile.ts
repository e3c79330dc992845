// The signed-in user's own account: read, update, delete, permissions, and
// reading another user's flags (teachers and admins).

import type { z } from "zod";
import { byFlag, capabilities, flagsSeenBy, may, ROLE_FLAGS } from "@/shared/permissions";
import type { Me, updateUserInput } from "@/shared/schemas/user";
import { AppError, sessionInvalid, validationFailed } from "../app-error";
import { clientAddressKey } from "../auth/client-address-key";
import { hashPassword } from "../auth/password";
import { assertAcceptablePassword } from "../auth/password-policy";
import { deleteLogInTicketsOf } from "../db/auth-challenges";
import type { Db } from "../db/client";
import { flagsFromRaw, type UserFlagsRow, type UserRow } from "../db/selects";
import { serializable } from "../db/serializable";
import { deleteSessionsOfUser } from "../db/sessions";
import { inTransaction } from "../db/transactions";
import {
  clearPendingEmail,
  deleteUserById,
  findUserAdminFlag,
  findUserFlagsRaw,
  findUserProfile,
  setPendingEmailIfPasswordIs,
  setUserName,
  updatePasswordHashIfUnchanged,
} from "../db/users";
import { deleteMailByAddress, enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { notPermitted, userNotFound } from "./access-errors";
import { audit } from "./audit";
import { assertNotLastAdmin } from "./last-admin";
import { voidUnusedLinks } from "./mailed-token";
import { confirmPassword } from "./reauthentication";
import type { Services } from "./service-container";

function toMe(user: UserRow): Me {
  return {
    id: user.id,
    name: user.name,
    email: user.login?.email ?? "",
    emailVerified: !!user.login?.emailVerifiedAt,
    pendingEmail: user.login?.pendingEmail ?? null,
    createdAt: user.createdAt.toISOString(),
    ...byFlag((flag) => user[flag], ROLE_FLAGS),
  };
}

/** The signed-in user; a session whose user is gone is no session. */
export async function getMe(s: Services, userId: string): Promise<Me> {
  const user = await findUserProfile(s.db, userId);
  if (!user) throw sessionInvalid();
  return toMe(user);
}

/** Flags of the caller or (teachers and admins) of another user. */
export async function userInfo(s: Services, caller: UserFlagsRow, userId: string | null | undefined) {
  const self = !userId || userId === caller.id;
  if (!self && !may(caller, "viewUsers")) throw notPermitted("see other users");
  // Raw SQL for the same reason as session validation: a hot read path.
  const row = self ? caller : await findUserFlagsRaw(s.db, userId);
  if (!row) throw userNotFound();
  const { id, name, ...flags } = flagsFromRaw(row);
  return { userId: id, name, ...flagsSeenBy(caller, flags) };
}

export function permissionsOf(caller: UserFlagsRow) {
  return { ...byFlag((flag) => caller[flag], ROLE_FLAGS), can: capabilities(caller) };
}

export type UpdateRequest = z.output<typeof updateUserInput>;

/** The password a request proved was changed (a reset, another session) before the request could write. */
const passwordChangedMeanwhile = () => new AppError("WRONG_PASSWORD", "Your password was changed meanwhile. Nothing was changed.");

const currentPasswordNeeded = () => validationFailed("currentPassword", "Enter your current password to change your email address.");

/**
 * Updates name, email and password all or nothing.
 * - A new email needs the current password (what recovery depends on is not
 *   a stolen session's to change). It stays pending until confirmed through
 *   a link sent to it, and the old address is told. The answer is the same
 *   whether or not the new address has an account: if it has one, its owner
 *   gets a short notice instead of a link (the worker decides, off the
 *   request path). Limited per user and per new address.
 * - A new password revokes every other session, voids outstanding reset links
 *   and a pending address change (each set going under the old password),
 *   and is told to the account's address.
 */
export async function updateMe(s: Services, session: { id: string; userId: string }, input: UpdateRequest, meta: RequestMeta): Promise<Me> {
  const current = await findUserProfile(s.db, session.userId);
  if (!current?.login) throw sessionInvalid();
  const login = current.login;
  const newEmail = input.email && input.email !== login.email ? input.email : undefined;
  const currentPassword = input.password?.current ?? input.currentPassword;

  // Every check first: nothing is written unless all parts can succeed.
  if (newEmail && !currentPassword) throw currentPasswordNeeded();
  if (input.password) {
    // The name and address the account has, and those this same request sets.
    const context = { emails: [login.email, input.email], names: [current.name, input.name] };
    await assertAcceptablePassword(input.password.next, context, "password.next");
  }
  // Reserved before the password is checked, like every limit; given back
  // when it is wrong (its guesses spend the session's own budget instead).
  const changeReserved = newEmail ? await s.rateLimits.reserveEmailChange(session.userId, newEmail, meta) : undefined;
  let proved: Awaited<ReturnType<typeof confirmPassword>> | undefined;
  try {
    proved = currentPassword && (input.password || newEmail) ? await confirmPassword(s, session, currentPassword, meta) : undefined;
  } catch (error) {
    await changeReserved?.giveBack();
    throw error;
  }
  const passwordHash = input.password ? await hashPassword(input.password.next, { client: clientAddressKey(meta.ip) }) : undefined;

  await inTransaction(s.db, async (tx) => {
    if (input.name !== undefined) await setUserName(tx, session.userId, input.name);
    // The writes below hold only if the password proved above is still the
    // account's: a reset (or another change) that landed meanwhile wins, and
    // this request changes nothing (the hash is compared in the same UPDATE).
    if (passwordHash) {
      if (!(await updatePasswordHashIfUnchanged(tx, session.userId, proved!.passwordHash, passwordHash))) throw passwordChangedMeanwhile();
      const count = await deleteSessionsOfUser(tx, session.userId, session.id);
      await deleteLogInTicketsOf(tx, session.userId);
      await voidUnusedLinks(tx, session.userId, "reset-password");
      await voidPendingEmail(tx, session.userId);
      await enqueueMail(tx, { kind: "password-changed", to: login.email, userId: session.userId });
      await s.securityEvents.record(
        { type: "password.changed", userId: session.userId, client: meta, details: { sessionsEnded: count } },
        tx,
      );
    }
    if (newEmail) {
      // A pending change this replaces loses its link.
      await voidPendingEmail(tx, session.userId);
      if (!(await setPendingEmailIfPasswordIs(tx, session.userId, newEmail, passwordHash ?? proved!.passwordHash)))
        throw passwordChangedMeanwhile();
      // The worker mints the link (or writes the in-use notice) and composes both mails (services/queued-mail.ts).
      await enqueueMail(tx, { kind: "confirm-new-email", to: newEmail, userId: session.userId });
      await enqueueMail(tx, { kind: "email-change-notice", to: login.email, userId: session.userId, params: { newEmail } });
      await s.securityEvents.record({ type: "email_change.requested", userId: session.userId, email: newEmail, client: meta }, tx);
    }
  });
  if (passwordHash || newEmail) s.mail.kickSoon();
  return getMe(s, session.userId);
}

/** Drops a pending address change and its links (mail not yet sent for it is dropped by the worker); whether one was pending. */
async function voidPendingEmail(tx: Pick<Db, "login" | "emailVerificationToken">, userId: string): Promise<boolean> {
  const pending = await clearPendingEmail(tx, userId);
  await voidUnusedLinks(tx, userId, "change-email");
  return pending;
}

/** Cancels the caller's pending address change: the address is forgotten and its link stops working. */
export async function cancelEmailChange(s: Services, userId: string, meta: RequestMeta): Promise<Me> {
  await inTransaction(s.db, async (tx) => {
    if (await voidPendingEmail(tx, userId)) await s.securityEvents.record({ type: "email_change.cancelled", userId, client: meta }, tx);
  });
  return getMe(s, userId);
}

/** Deletes the caller's account with its sessions and tokens, after checking the password. */
export async function deleteMe(
  s: Services,
  session: { id: string; userId: string; user: UserFlagsRow },
  password: string,
  meta: RequestMeta,
): Promise<void> {
  const caller = session.user;
  const login = await confirmPassword(s, session, password, meta);
  await serializable(s.db, async (tx) => {
    const user = await findUserAdminFlag(tx, caller.id);
    if (!user) throw sessionInvalid();
    await assertNotLastAdmin(tx, user);
    await audit(tx, [{ actor: caller, target: { id: caller.id, label: login.email }, action: "deleteOwnAccount" }]);
    // The user's mail goes with them (by cascade, and requests by address).
    await deleteMailByAddress(tx, login.email);
    await deleteUserById(tx, caller.id);
  });
}
