"use client";
import { Alert } from "@/components/form";
import { messageOf } from "@/shared/error-message";
import { FLAG_LABELS, type FlagName } from "@/shared/permissions";
import { api } from "@/trpc/react";

const ACTION_LABELS: Record<string, string> = {
  deleteUser: "deleted the account of",
  deleteOwnAccount: "deleted their own account",
  revokeSessions: "logged out everywhere:",
  createTeacherToken: "created a teacher token",
  revokeTeacherToken: "revoked a teacher token",
  createAdmin: "created the admin account",
  resetSecondFactors: "reset the two-step verification of",
  registerWithTeacherToken: "registered as a teacher with a teacher token:",
};

export function AuditLogSection() {
  const log = api.admin.auditLog.useInfiniteQuery({ limit: 50 }, { getNextPageParam: (page) => page.nextCursor });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-heading" className="panel">
      <h2 id="audit-heading">Audit log</h2>
      {log.error ? <Alert>{messageOf(log.error)}</Alert> : null}
      {log.isPending ? <p role="status">Loading…</p> : null}
      {entries.length === 0 && !log.isPending ? <p className="empty">Nothing has been changed yet.</p> : null}
      <ol className="audit-list" aria-label="Audit entries">
        {entries.map((e) => (
          <li key={e.id}>
            <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleString()}</time>
            <span>
              <strong>{e.actor.email ? `${e.actor.label} <${e.actor.email}>` : e.actor.label}</strong>{" "}
              {e.action === "setFlag" ? (
                <>
                  set <em>{FLAG_LABELS[e.field as FlagName] ?? e.field}</em> of <strong>{e.target.label}</strong> from {e.oldValue} to{" "}
                  {e.newValue}
                </>
              ) : (
                <>
                  {ACTION_LABELS[e.action] ?? e.action} {e.target.label ? <strong>{e.target.label}</strong> : null}
                </>
              )}
            </span>
          </li>
        ))}
      </ol>
      {log.hasNextPage ? (
        <button type="button" className="button secondary" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          Load older entries
        </button>
      ) : null}
    </section>
  );
}
