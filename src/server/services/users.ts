// Reading users, always through the field list in db/selects.ts.
import { sessionInvalid } from "../app-error";
import { userSelect, type UserRow } from "../db/selects";
import type { Services } from "./context";

export type Me = {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  createdAt: string;
  teacher: boolean;
  admin: boolean;
  privilegedStudent: boolean;
};

export function toMe(user: UserRow): Me {
  return {
    id: user.id,
    name: user.name,
    email: user.login?.email ?? "",
    emailVerified: !!user.login?.emailVerifiedAt,
    createdAt: user.createdAt.toISOString(),
    teacher: user.teacher,
    admin: user.admin,
    privilegedStudent: user.privilegedStudent,
  };
}

/** The signed-in user; a session whose user is gone is no session. */
export async function getMe(s: Services, userId: string): Promise<Me> {
  const user = await s.db.user.findUnique({ where: { id: userId }, select: userSelect });
  if (!user) throw sessionInvalid();
  return toMe(user);
}
