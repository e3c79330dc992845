"use client";
import { durationInWords } from "@/shared/duration-in-words";
import { FLAG_LABELS, may, ROLE_FLAGS, ROLE_LABELS } from "@/shared/permissions";
import type { Me } from "@/shared/schemas/user";

/**
 * The account's first card: who this is, how long a session lasts
 * (`sessionTtlSeconds`, the server's SESSION_TTL_SECONDS), their roles, and
 * the way out and, for those the table lets see users, to the dashboard.
 */
export function AccountSummary(props: { user: Me; sessionTtlSeconds: number; loggingOut: boolean; onLogOut: () => void }) {
  const { user } = props;
  const flags = ROLE_FLAGS.filter((flag) => user[flag]);
  return (
    <section className="card wide">
      <h1>Hello, {user.name}</h1>
      <p className="lead">{`This is your account. You stay logged in for up to ${durationInWords(props.sessionTtlSeconds)}.`}</p>
      <dl className="details">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>
          {user.email} {user.emailVerified ? <span className="badge muted">confirmed</span> : null}
        </dd>
        <dt>Member since</dt>
        <dd>{new Date(user.createdAt).toLocaleDateString(undefined, { dateStyle: "long" })}</dd>
        <dt>Roles</dt>
        <dd>
          {/* biome-ignore lint/a11y/useSemanticElements: a labelled group of badges, not form controls, so not a <fieldset> */}
          <div className="badges" role="group" aria-label="Your roles">
            {flags.length ? (
              flags.map((flag) => (
                <span className="badge" key={flag}>
                  {FLAG_LABELS[flag]}
                </span>
              ))
            ) : (
              <span className="badge muted">{ROLE_LABELS.student}</span>
            )}
          </div>
        </dd>
      </dl>
      <div className="actions">
        <button className="button secondary" type="button" onClick={props.onLogOut} disabled={props.loggingOut}>
          {props.loggingOut ? "Logging out…" : "Log out"}
        </button>
        {may(user, "viewUsers") ? (
          <a className="button" href="/admin">
            Admin dashboard
          </a>
        ) : null}
      </div>
    </section>
  );
}
