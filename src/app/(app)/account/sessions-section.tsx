"use client";
import { Alert } from "@/components/form";
// Where the user is logged in, with a way to log out other devices.
import { messageOf } from "@/shared/error-message";
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

export function SessionsSection() {
  const utils = api.useUtils();
  const sessions = api.session.list.useQuery();
  const refresh = () => utils.session.list.invalidate();
  const revoke = api.session.revoke.useMutation({ onSuccess: refresh });
  const revokeOthers = api.session.revokeOthers.useMutation({ onSuccess: refresh });
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;
  const error = sessions.error ?? revoke.error ?? revokeOthers.error;
  return (
    <section className="card wide" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are logged in</h2>
      {error ? <Alert>{messageOf(error)}</Alert> : null}
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
                disabled={revoke.isPending}
                onClick={() => revoke.mutate({ id: s.id })}
              >
                Log out<span className="visually-hidden"> {s.device}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button secondary"
        disabled={others === 0 || revokeOthers.isPending}
        onClick={() => revokeOthers.mutate()}
      >
        Log out other devices
      </button>
    </section>
  );
}
