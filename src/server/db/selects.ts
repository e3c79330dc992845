// One field list per model: every query that returns data to a caller uses
// these, so a password or token hash can never reach a response.
import type { Prisma } from "./client";

export const userSelect = {
  id: true,
  name: true,
  teacher: true,
  admin: true,
  privilegedStudent: true,
  reportSpammer: true,
  createdAt: true,
  login: { select: { email: true, emailVerifiedAt: true } },
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;
