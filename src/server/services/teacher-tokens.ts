// Teacher invitations: a secret that lets its holder register as a verified
// teacher. Stored hashed; uses are counted atomically inside the registration.
// A token may be bound to one address or one domain, so that whoever holds it
// cannot register an address that is not theirs to claim as a teacher.

import { may } from "@/shared/permissions";
import { DAY, TEACHER_TOKEN_LIMITS } from "@/shared/policy";
import { type TeacherTokenOptions, teacherTokenOptions } from "@/shared/schemas/teacher-token";
import { AppError } from "../app-error";
import { hashToken, newSecretToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import type { UserFlagsRow } from "../db/selects";
import type { Tx as Transaction } from "../db/serializable";
import {
  findTeacherTokenFor,
  findTeacherTokenRevocation,
  findTeacherTokens,
  insertTeacherToken,
  markTeacherTokenRevoked,
  takeTeacherTokenUse,
} from "../db/teacher-tokens";
import { inTransaction } from "../db/transactions";
import { notPermitted } from "./access-errors";
import { callerStillMay } from "./acting-caller";
import { audit } from "./audit";
import type { Services } from "./service-container";

type Tx = Pick<Db, "teacherToken">;

type TeacherTokenInput = { maxUses?: number; expiresInDays?: number; note?: string | null; email?: string | null; domain?: string | null };

export async function createTeacherToken(
  db: Pick<Db, "teacherToken">,
  options: TeacherTokenInput & { createdById?: string | null },
): Promise<{ id: string; token: string; maxUses: number; expiresAt: Date; email: string | null; domain: string | null }> {
  // Parsed here too: whoever calls, the binding is stored normalised and never both.
  const { email, domain } = teacherTokenOptions.parse({ email: options.email, domain: options.domain });
  const token = newSecretToken();
  const days = options.expiresInDays ?? TEACHER_TOKEN_LIMITS.expiresInDays.default;
  const maxUses = options.maxUses ?? TEACHER_TOKEN_LIMITS.maxUses.default;
  const expiresAt = new Date(Date.now() + days * DAY * 1000);
  const row = await insertTeacherToken(db, {
    tokenHash: hashToken(token),
    maxUses,
    expiresAt,
    note: options.note ?? null,
    email: email ?? null,
    domain: domain ?? null,
    createdById: options.createdById ?? null,
  });
  return { id: row.id, token, maxUses, expiresAt, email: email ?? null, domain: domain ?? null };
}

export const teacherTokenInvalid = () =>
  new AppError(
    "TEACHER_TOKEN_INVALID",
    "This teacher token is not valid: it may be mistyped, expired, revoked, used up, or meant for another email address.",
  );

/** The part of a (normalised) address after its "@". */
function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}

/** A description of a binding, for the audit log and the command line. */
export function bindingLabel(binding: { email?: string | null; domain?: string | null }): string | null {
  if (binding.email) return `only for ${binding.email}`;
  if (binding.domain) return `only for addresses @${binding.domain}`;
  return null;
}

/**
 * Takes one use of a token for `email` inside the caller's transaction. A
 * single conditional UPDATE checks expiry, revocation, remaining uses and the
 * binding and counts the use, so parallel registrations can never exceed maxUses.
 */
/** Takes a use of the token for `email`; its id. */
export async function consumeTeacherToken(tx: Tx, token: string, email: string, now = new Date()): Promise<string> {
  const tokenHash = hashToken(token);
  if (!(await takeTeacherTokenUse(tx, tokenHash, email, domainOf(email), now))) throw teacherTokenInvalid();
  return (await tx.teacherToken.findUniqueOrThrow({ where: { tokenHash }, select: { id: true } })).id;
}

/** Whether a token could be used now for `email` (checked before any work is done). */
export async function isTeacherTokenUsable(db: Db, token: string, email: string, now = new Date()): Promise<boolean> {
  const row = await findTeacherTokenFor(db, hashToken(token), email, domainOf(email));
  return !!row && teacherTokenState(row, now) === "active";
}

const teacherTokenNotFound = () => new AppError("TEACHER_TOKEN_NOT_FOUND", "There is no teacher token with this id.");

function teacherTokenState(row: { revokedAt: Date | null; expiresAt: Date; uses: number; maxUses: number }, now = new Date()) {
  if (row.revokedAt) return "revoked" as const;
  if (row.uses >= row.maxUses) return "used" as const;
  if (row.expiresAt <= now) return "expired" as const;
  return "active" as const;
}

/** Creates a token as an admin, with an audit entry. */
export async function issueTeacherToken(s: Services, caller: UserFlagsRow, options: TeacherTokenOptions) {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  return createAuditedTeacherToken(s.db, caller, options, (tx) =>
    callerStillMay(tx, caller.id, "manageTeacherTokens", "manage teacher tokens"),
  );
}

/** How `npm run teacher-token:create` appears in the audit log: it acts for nobody who is logged in. */
const COMMAND_LINE_ACTOR = { id: null, name: "teacher-token:create (command line)" } as const;

/** A token from the command line (teacher-token:create), audited as the dashboard's are. */
export function createTeacherTokenFromCommandLine(db: Db, options: TeacherTokenOptions) {
  return createAuditedTeacherToken(db, COMMAND_LINE_ACTOR, options);
}

/** The token and its audit entry commit together: no live token without its entry. `allowed`: the caller's check in the transaction. */
function createAuditedTeacherToken(
  db: Db,
  caller: { id: string | null; name: string },
  options: TeacherTokenOptions,
  allowed?: (tx: Transaction) => Promise<unknown>,
) {
  return inTransaction(db, async (tx) => {
    await allowed?.(tx);
    const created = await createTeacherToken(tx, { ...options, createdById: caller.id });
    const binding = bindingLabel(created);
    await audit(tx, [
      {
        actor: caller,
        action: "createTeacherToken",
        field: created.id,
        newValue: `${created.maxUses} use(s) until ${created.expiresAt.toISOString()}${binding ? `, ${binding}` : ""}`,
      },
    ]);
    return created;
  });
}

/** Every token, newest first, without secrets. */
export async function listTeacherTokens(s: Services, caller: UserFlagsRow) {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  const rows = await findTeacherTokens(s.db, 500);
  const now = new Date();
  return {
    items: rows.map((r) => ({
      id: r.id,
      note: r.note,
      email: r.email,
      domain: r.domain,
      maxUses: r.maxUses,
      uses: r.uses,
      usesLeft: Math.max(0, r.maxUses - r.uses),
      expiresAt: r.expiresAt.toISOString(),
      revokedAt: r.revokedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      createdBy: r.createdBy,
      state: teacherTokenState(r, now),
    })),
  };
}

export async function revokeTeacherToken(s: Services, caller: UserFlagsRow, id: string): Promise<{ ok: true }> {
  if (!may(caller, "manageTeacherTokens")) throw notPermitted("manage teacher tokens");
  await inTransaction(s.db, async (tx) => {
    await callerStillMay(tx, caller.id, "manageTeacherTokens", "manage teacher tokens");
    const row = await findTeacherTokenRevocation(tx, id);
    if (!row) throw teacherTokenNotFound();
    if (row.revokedAt) return;
    await markTeacherTokenRevoked(tx, id, new Date());
    await audit(tx, [{ actor: caller, action: "revokeTeacherToken", field: id }]);
  });
  return { ok: true };
}
