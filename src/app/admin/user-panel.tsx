"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import type { ListedUser } from "@/shared/schemas/admin";
import { api } from "@/trpc/react";
import { ConfirmItsYou } from "./confirm-its-you";
import { SecurityEventsList } from "./security-events-list";

/**
 * An admin's actions on one user: end their sessions, delete the account; and
 * the user's recent security events. Their own account is deleted from the
 * account page, which asks for the password. Deleting and resetting ask for
 * the admin's password when their last proof is over 10 minutes old.
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
  // Set when the server asked for a fresh proof: the same change again, with the password.
  const [proofFor, setProofFor] = useState<"delete" | "reset" | null>(null);
  const askedForProof = (change: "delete" | "reset") => (error: unknown) => {
    if (appCodeOf(error) === "REAUTHENTICATION_REQUIRED") setProofFor(change);
  };
  const revoke = api.admin.revokeSessions.useMutation({
    onSuccess: async (r) => {
      setNotice(`${r.revoked} session${r.revoked === 1 ? "" : "s"} ended.`);
      await Promise.all([utils.admin.securityEvents.invalidate({ userId: user.id }), utils.admin.auditLog.invalidate()]);
    },
  });
  const remove = api.admin.deleteUser.useMutation({
    onSuccess: async () => {
      setProofFor(null);
      props.onNotice(`${user.name} was deleted.`);
      props.onDone();
      await Promise.all([utils.admin.listUsers.invalidate(), utils.admin.auditLog.invalidate()]);
    },
    onError: askedForProof("delete"),
  });
  const reset = api.admin.resetSecondFactors.useMutation({
    onSuccess: async () => {
      setConfirmingReset(false);
      setProofFor(null);
      props.onNotice(`Two-step verification of ${user.name} was reset. They log in with their password alone until they set it up again.`);
      await Promise.all([
        utils.admin.listUsers.invalidate(),
        utils.admin.securityEvents.invalidate({ userId: user.id }),
        utils.admin.auditLog.invalidate(),
      ]);
    },
    onError: askedForProof("reset"),
  });
  const failed = revoke.error ?? remove.error ?? reset.error;
  // While the password is asked for, its form shows the refusals (a wrong password).
  const error = proofFor || appCodeOf(failed) === "REAUTHENTICATION_REQUIRED" ? null : failed;
  const proofError = failed && appCodeOf(failed) !== "REAUTHENTICATION_REQUIRED" ? messageOf(failed) : null;
  function cancelProof() {
    setProofFor(null);
    setConfirming(false);
    setConfirmingReset(false);
    remove.reset();
    reset.reset();
  }
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
        {self || proofFor === "delete" ? null : confirming ? (
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
      {proofFor === "delete" ? (
        <ConfirmItsYou
          what={`delete ${user.name}`}
          submitLabel={`Delete ${user.name}`}
          busy={remove.isPending}
          error={proofError}
          onConfirm={(password) => remove.mutate({ userId: user.id, password })}
          onCancel={cancelProof}
        />
      ) : null}
      {props.canReset && !self && user.secondFactor ? (
        proofFor === "reset" ? (
          <ConfirmItsYou
            what={`reset the two-step verification of ${user.name}`}
            submitLabel="Reset two-step verification"
            busy={reset.isPending}
            error={proofError}
            onConfirm={(password) => reset.mutate({ userId: user.id, password })}
            onCancel={cancelProof}
          />
        ) : confirmingReset ? (
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
