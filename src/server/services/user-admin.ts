// What admins do to other users: list them (admin.listUsers), delete one
// (admin.deleteUser), end their sessions (admin.revokeSessions).

import type { z } from "zod";
import { FLAG_NAMES, type FlagName, may, mayOn } from "@/shared/permissions";
import type { ListedUser, listUsersInput } from "@/shared/schemas/admin";
import { AppError } from "../app-error";
import { decodeCursor, encodeCursor } from "../db/keyset-cursor";
import { flagsFromRaw, type ListedUserRow, type UserFlagsRow } from "../db/selects";
import { serializable } from "../db/serializable";
import { deleteSessionsOfUser } from "../db/sessions";
import { inTransaction } from "../db/transactions";
import { findUserPage } from "../db/user-search";
import { deleteUserById, findUserFlagsWithEmail, findUserLabel } from "../db/users";
import { deleteMailByAddress } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { notPermitted, userNotFound } from "./access-errors";
import { callerStillMay } from "./acting-caller";
import { audit } from "./audit";
import { assertNotLastAdmin } from "./last-admin";
import { type Reauthentication, reauthenticate } from "./reauthentication";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export type ListUsersRequest = z.output<typeof listUsersInput>;

/**
 * Users newest first, searchable by any part of their email or name,
 * filtered by flags, in keyset pages: one statement per page, which walks the
 * ("createdAt", "id") index, or for a search the search index newest match
 * first (user-search.ts).
 */
export async function listUsers(s: Services, caller: UserFlagsRow, input: ListUsersRequest) {
  if (!may(caller, "viewUsers")) throw notPermitted("see the user list");
  const seesFactors = may(caller, "viewSecondFactors");
  if (input.secondFactor != null && !seesFactors) throw notPermitted("filter users by two-step verification");
  const flags: { flag: FlagName | "secondFactor"; value: boolean }[] = FLAG_NAMES.flatMap((flag) => {
    const value = input.flags?.[flag];
    return value != null ? [{ flag, value }] : [];
  });
  if (input.secondFactor != null) flags.push({ flag: "secondFactor", value: input.secondFactor });
  const rows = await findUserPage(s.db, { query: input.query?.trim(), flags, after: decodeCursor(input.cursor), take: input.limit + 1 });
  const page = rows.slice(0, input.limit).map((row) => listedUser(row, seesFactors));
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: rows.length > input.limit && last ? encodeCursor({ createdAt: new Date(last.createdAt), id: last.id }) : null,
  };
}

/** A row of the list as the API answers it: one object literal, one shape (see flagsFromRaw). */
function listedUser(u: ListedUserRow, seesFactors: boolean): ListedUser {
  const flags = flagsFromRaw(u);
  return {
    id: flags.id,
    name: flags.name,
    teacher: flags.teacher,
    admin: flags.admin,
    privilegedStudent: flags.privilegedStudent,
    reportSpammer: flags.reportSpammer,
    secondFactor: seesFactors ? Boolean(u.secondFactor) : null,
    email: u.email ?? "",
    emailVerified: u.emailVerifiedAt != null,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

/**
 * Deleting one's own account goes through user.delete, which asks for the
 * password: a stolen admin session must not be enough to erase the account.
 */
const selfDeleteRefused = () =>
  new AppError(
    "SELF_DELETE",
    "You cannot delete your own account from the admin dashboard. Use “Delete account” on your account page, which asks for your password.",
  );

/** Removes an account by id (admins; never their own, never the last admin). */
export async function deleteUser(
  s: Services,
  session: ValidSession,
  userId: string,
  proof: Reauthentication,
  meta: RequestMeta,
): Promise<void> {
  const callerId = session.userId;
  if (callerId === userId) throw selfDeleteRefused();
  if (!may(session.user, "deleteUsers")) throw notPermitted("delete users");
  // A stolen admin session must not erase accounts without a fresh proof.
  await reauthenticate(s, session, proof, meta, "delete this account");
  await serializable(s.db, async (tx) => {
    const caller = await callerStillMay(tx, callerId, "deleteUsers", "delete users");
    const target = await findUserFlagsWithEmail(tx, userId);
    if (!target) throw userNotFound();
    if (!mayOn(caller, "deleteUsers", target)) throw notPermitted("delete this user");
    await assertNotLastAdmin(tx, target);
    await audit(tx, [{ actor: caller, target: { id: target.id, label: target.login?.email ?? target.name }, action: "deleteUser" }]);
    // The user's mail goes with them (by cascade, and requests by address).
    if (target.login) await deleteMailByAddress(tx, target.login.email);
    await deleteUserById(tx, target.id);
  });
}

/** Logs a user out everywhere (admins); an audit entry and, when sessions ended, a security event of the user's. */
export async function revokeUserSessions(
  s: Services,
  caller: UserFlagsRow,
  userId: string,
  meta: RequestMeta,
): Promise<{ revoked: number }> {
  if (!may(caller, "revokeSessions")) throw notPermitted("revoke sessions");
  return inTransaction(s.db, async (tx) => {
    await callerStillMay(tx, caller.id, "revokeSessions", "revoke sessions");
    const target = await findUserLabel(tx, userId);
    if (!target) throw userNotFound();
    const count = await deleteSessionsOfUser(tx, userId);
    await audit(tx, [
      {
        actor: caller,
        target: { id: target.id, label: target.login?.email ?? target.name },
        action: "revokeSessions",
        newValue: String(count),
      },
    ]);
    if (count) {
      await s.securityEvents.record(
        { type: "session.revoked", userId, actorId: caller.id, client: meta, details: { scope: "all", count } },
        tx,
      );
    }
    return { revoked: count };
  });
}
