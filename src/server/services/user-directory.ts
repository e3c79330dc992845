// admin.listUsers, admin.deleteUser and admin.revokeSessions.
import { decodeCursor, encodeCursor, KEYSET_ORDER, keysetAfter } from "../db/keyset-cursor";
import { kindOf, type Prisma } from "../db/client";
import { flagsSelect, listedUserSelect, type UserFlagsRow } from "../db/selects";
import { serializable } from "../db/serializable";
import { may, mayOn } from "@/shared/permissions";
import type { ListedUser } from "@/shared/schemas/admin";
import { audit } from "./audit";
import type { Services } from "./context";
import { assertNotLastAdmin } from "./last-admin";
import { notPermitted, userNotFound } from "./access-errors";

export type ListUsersRequest = {
  query?: string | null;
  flags?: Partial<Record<"teacher" | "admin" | "privilegedStudent" | "reportSpammer", boolean>> | null;
  cursor?: string | null;
  limit: number;
};

/** Users newest first, searchable by email or name, filtered by flags, in keyset pages. */
export async function listUsers(s: Services, caller: UserFlagsRow, input: ListUsersRequest) {
  if (!may(caller, "viewUsers")) throw notPermitted("see the user list");
  const after = decodeCursor(input.cursor);
  const query = input.query?.trim();
  const insensitive = kindOf(s.db) === "postgres" ? { mode: "insensitive" as const } : {};
  const where: Prisma.UserWhereInput = {
    AND: [
      // SQLite's LIKE is already case-insensitive for ASCII; PostgreSQL needs ILIKE.
      query
        ? {
            OR: [
              { login: { is: { email: { contains: query.toLowerCase() } } } },
              { name: { contains: query, ...insensitive } as Prisma.StringFilter },
            ],
          }
        : {},
      { ...(input.flags ?? {}) },
      keysetAfter(after),
    ],
  };
  const rows = await s.db.user.findMany({ where, orderBy: KEYSET_ORDER, take: input.limit + 1, select: listedUserSelect });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(
      (u): ListedUser => ({
        id: u.id,
        name: u.name,
        email: u.login?.email ?? "",
        emailVerified: !!u.login?.emailVerifiedAt,
        createdAt: u.createdAt.toISOString(),
        teacher: u.teacher,
        admin: u.admin,
        privilegedStudent: u.privilegedStudent,
        reportSpammer: u.reportSpammer,
      }),
    ),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}

/** Removes an account by id (admins; never the last admin). */
export async function deleteUser(s: Services, callerId: string, userId: string): Promise<void> {
  await serializable(s.db, async (tx) => {
    const caller = await tx.user.findUnique({ where: { id: callerId }, select: flagsSelect });
    if (!caller || !may(caller, "deleteUsers")) throw notPermitted("delete users");
    const target = await tx.user.findUnique({
      where: { id: userId },
      select: { ...flagsSelect, login: { select: { email: true } } },
    });
    if (!target) throw userNotFound();
    if (!mayOn(caller, "deleteUsers", target)) throw notPermitted("delete this user");
    await assertNotLastAdmin(tx, target);
    await audit(tx, [{ actor: caller, target: { id: target.id, label: target.login?.email ?? target.name }, action: "deleteUser" }]);
    await tx.user.delete({ where: { id: target.id } });
  });
}

/** Logs a user out everywhere (admins). */
export async function revokeUserSessions(s: Services, caller: UserFlagsRow, userId: string): Promise<{ revoked: number }> {
  if (!may(caller, "revokeSessions")) throw notPermitted("revoke sessions");
  return s.db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: userId }, select: { id: true, name: true, login: { select: { email: true } } } });
    if (!target) throw userNotFound();
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await audit(tx, [
      {
        actor: caller,
        target: { id: target.id, label: target.login?.email ?? target.name },
        action: "revokeSessions",
        newValue: String(count),
      },
    ]);
    return { revoked: count };
  });
}
