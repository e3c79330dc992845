"use client";
// Where the user is logged in, with a way to log out other devices. Logging
// out another device asks for the password once the session's last proof is
// more than 10 minutes old (a stolen cookie must not lock the owner out).
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { currentPasswordSchema } from "@/shared/schemas/fields";
import { api } from "@/trpc/react";

/** How each session was reached, in words; two-step sessions also carry a badge. */
const METHOD_LABELS = {
  password: "password",
  totp: "password and authenticator app",
  recovery: "password and recovery code",
  passkey: "passkey",
  link: "mailed link",
} as const;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What the user asked to end: one other device, or every other one. */
type Ending = { id: string; device: string } | { others: true };

export function SessionsSection() {
  const utils = api.useUtils();
  const sessions = api.session.list.useQuery();
  const refresh = () => utils.session.list.invalidate();
  const revoke = api.session.revoke.useMutation({ onSuccess: refresh });
  const revokeOthers = api.session.revokeOthers.useMutation({ onSuccess: refresh });
  // Set when the server asked for the password: the same request again, with it.
  const [confirming, setConfirming] = useState<Ending | null>(null);
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;

  async function end(ending: Ending, password?: string) {
    try {
      if ("others" in ending) await revokeOthers.mutateAsync(password === undefined ? undefined : { password });
      else await revoke.mutateAsync({ id: ending.id, password });
      setConfirming(null);
    } catch (error) {
      if (appCodeOf(error) === "REAUTHENTICATION_REQUIRED") setConfirming(ending);
    }
  }

  function cancel() {
    setConfirming(null);
    setPasswordError(undefined);
    revoke.reset();
    revokeOthers.reset();
  }

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!confirming) return;
    const parsed = currentPasswordSchema.safeParse(new FormData(event.currentTarget).get("sessions-password"));
    if (!parsed.success) return setPasswordError(parsed.error.issues[0]?.message);
    setPasswordError(undefined);
    void end(confirming, parsed.data);
  }

  const failed = revoke.error ?? revokeOthers.error;
  const error = sessions.error ?? (appCodeOf(failed) === "REAUTHENTICATION_REQUIRED" ? null : failed);
  const busy = revoke.isPending || revokeOthers.isPending;
  return (
    <section className="card wide" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are logged in</h2>
      {error && !confirming ? <Alert>{messageOf(error)}</Alert> : null}
      {revokeOthers.isSuccess ? (
        <Alert tone="success">
          Logged out of {revokeOthers.data.revoked} other device{revokeOthers.data.revoked === 1 ? "" : "s"}.
        </Alert>
      ) : null}
      <ul className="session-list" aria-label="Your sessions">
        {sessions.data?.map((s) => (
          <li key={s.id} className="session-item">
            <div>
              <strong>{s.device}</strong> {s.current ? <span className="badge">This device</span> : null}{" "}
              {s.aal === "aal2" ? <span className="badge state-active">Two-step</span> : null}
              <p className="muted">
                {s.ip ?? "Unknown address"} · logged in {when(s.createdAt)} with {METHOD_LABELS[s.method]} · last active{" "}
                {when(s.lastUsedAt)}
              </p>
            </div>
            {!s.current ? (
              <button
                type="button"
                className="button secondary small"
                disabled={busy}
                onClick={() => void end({ id: s.id, device: s.device })}
              >
                Log out<span className="visually-hidden"> {s.device}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {confirming ? (
        <form noValidate onSubmit={confirm} aria-labelledby="sessions-confirm-heading">
          <h3 id="sessions-confirm-heading">Confirm it’s you</h3>
          <p className="muted">
            Enter your password to log out {"others" in confirming ? "your other devices" : confirming.device}. It keeps someone who got
            hold of this session from locking you out.
          </p>
          {failed && appCodeOf(failed) !== "REAUTHENTICATION_REQUIRED" ? <Alert>{messageOf(failed)}</Alert> : null}
          <Field label="Your password" name="sessions-password" type="password" autoComplete="current-password" error={passwordError} />
          <SubmitOrCancel className="button danger" disabled={busy} onCancel={cancel}>
            Log out
          </SubmitOrCancel>
        </form>
      ) : (
        <button type="button" className="button secondary" disabled={others === 0 || busy} onClick={() => void end({ others: true })}>
          Log out other devices
        </button>
      )}
    </section>
  );
}
