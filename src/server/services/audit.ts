// The audit log: who changed what, when. Written in the transaction of the
// change itself, so a change and its entry exist together or not at all.
// Actors are named by id, by the email address their login had at that
// moment (read in the same transaction) and by their name, which they chose
// themselves: a name alone could pass for someone else's.

import { may } from "@/shared/permissions";
import { findAuditEntries, insertAuditEntries } from "../db/audit";
import type { Db } from "../db/client";
import { decodeCursor, encodeCursor } from "../db/keyset-cursor";
import type { UserFlagsRow } from "../db/selects";
import { findLoginEmailsByUserIds } from "../db/users";
import { notPermitted } from "./access-errors";
import type { Services } from "./service-container";

type Tx = Pick<Db, "auditEntry" | "login">;

type AuditAction =
  | "setFlag"
  | "deleteUser"
  | "deleteOwnAccount"
  | "revokeSessions"
  | "createTeacherToken"
  | "revokeTeacherToken"
  | "createAdmin"
  | "resetSecondFactors"
  | "registerWithTeacherToken";

export type AuditInput = {
  /** id null: a command-line tool, acting for nobody who is logged in. */
  actor: { id: string | null; name: string };
  target?: { id: string; label: string } | null;
  action: AuditAction;
  field?: string | null;
  oldValue?: string | null;
  newValue?: string | null;
};

export async function audit(tx: Tx, entries: AuditInput[]): Promise<void> {
  if (!entries.length) return;
  const actorIds = [...new Set(entries.flatMap((e) => (e.actor.id ? [e.actor.id] : [])))];
  const emails = actorIds.length ? await findLoginEmailsByUserIds(tx, actorIds) : new Map<string, string>();
  await insertAuditEntries(
    tx,
    entries.map((e) => ({
      actorId: e.actor.id,
      actorLabel: e.actor.name,
      actorEmail: e.actor.id ? (emails.get(e.actor.id) ?? null) : null,
      targetId: e.target?.id ?? null,
      targetLabel: e.target?.label ?? null,
      action: e.action,
      field: e.field ?? null,
      oldValue: e.oldValue ?? null,
      newValue: e.newValue ?? null,
    })),
  );
}

export type AuditEntryView = {
  id: string;
  /** label: the actor's name then; email: their address then (null for the command line). */
  actor: { id: string | null; label: string; email: string | null };
  target: { id: string | null; label: string | null };
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  createdAt: string;
};

/** Entries newest first, optionally those by or about one user (admins). */
export async function listAudit(
  s: Services,
  caller: UserFlagsRow,
  input: { userId?: string | null; cursor?: string | null; limit: number },
): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  if (!may(caller, "viewAuditLog")) throw notPermitted("read the audit log");
  const rows = await findAuditEntries(s.db, { userId: input.userId, after: decodeCursor(input.cursor), take: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      actor: { id: r.actorId, label: r.actorLabel, email: r.actorEmail },
      target: { id: r.targetId, label: r.targetLabel },
      action: r.action,
      field: r.field,
      oldValue: r.oldValue,
      newValue: r.newValue,
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}
