"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/form";
import { messageOf } from "@/shared/error-message";
import type { ListedUser } from "@/shared/schemas/admin";
import { api } from "@/trpc/react";
import { SecurityEventsList } from "./security-events-list";

/**
 * An admin's actions on one user: end their sessions, delete the account; and
 * the user's recent security events. Their own account is deleted from the
 * account page, which asks for the password.
 */
export function UserPanel(props: {
  user: ListedUser;
  self: boolean;
  showEvents: boolean;
  canReset: boolean;
  onDone: () => void;
  /** Shown above the list: after a deletion or a reset the row may leave the list (and this panel with it). */
  onNotice: (text: string) => void;
}) {
  const { user, self } = props;
  const utils = api.useUtils();
  const [confirming, setConfirming] = useState(false);
  const [confirmingReset, setConfirmingReset] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const revoke = api.admin.revokeSessions.useMutation({
    onSuccess: async (r) => {
      setNotice(`${r.revoked} session${r.revoked === 1 ? "" : "s"} ended.`);
      await Promise.all([utils.admin.securityEvents.invalidate({ userId: user.id }), utils.admin.auditLog.invalidate()]);
    },
  });
  const remove = api.admin.deleteUser.useMutation({
    onSuccess: async () => {
      props.onNotice(`${user.name} was deleted.`);
      props.onDone();
      await Promise.all([utils.admin.listUsers.invalidate(), utils.admin.auditLog.invalidate()]);
    },
  });
  const reset = api.admin.resetSecondFactors.useMutation({
    onSuccess: async () => {
      setConfirmingReset(false);
      props.onNotice(`Two-step verification of ${user.name} was reset. They log in with their password alone until they set it up again.`);
      await Promise.all([
        utils.admin.listUsers.invalidate(),
        utils.admin.securityEvents.invalidate({ userId: user.id }),
        utils.admin.auditLog.invalidate(),
      ]);
    },
  });
  const error = revoke.error ?? remove.error ?? reset.error;
  return (
    <section className="user-panel" aria-label={`Manage ${user.name}`}>
      <dl className="details compact">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Joined</dt>
        <dd>{new Date(user.createdAt).toLocaleDateString(undefined, { dateStyle: "medium" })}</dd>
        <dt>User id</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
      </dl>
      {error ? <Alert>{messageOf(error)}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <div className="actions">
        <button type="button" className="button secondary" disabled={revoke.isPending} onClick={() => revoke.mutate({ userId: user.id })}>
          Log out everywhere
        </button>
        {self ? null : confirming ? (
          <>
            <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate({ userId: user.id })}>
              Yes, delete {user.name}
            </button>
            <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
            Delete user
          </button>
        )}
      </div>
      {props.canReset && !self && user.secondFactor ? (
        confirmingReset ? (
          <div className="pending">
            <p>
              This removes the authenticator app, the recovery codes and the passkeys of {user.name}: they will log in with their password
              alone, and we tell them by email. Do it only when you are sure it is them asking (they lost their phone).
            </p>
            <div className="actions">
              <button type="button" className="button danger" disabled={reset.isPending} onClick={() => reset.mutate({ userId: user.id })}>
                Yes, reset two-step verification
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirmingReset(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <div className="actions">
            <button
              type="button"
              className="button danger-outline"
              onClick={() => {
                setNotice(null);
                setConfirmingReset(true);
              }}
            >
              Reset two-step verification
            </button>
          </div>
        )
      ) : null}
      {self ? (
        <p className="hint">
          This is your own account. To delete it, use “Delete account” on <Link href="/account">your account page</Link>.
        </p>
      ) : null}
      {props.showEvents ? <SecurityEventsList userId={user.id} /> : null}
    </section>
  );
}
