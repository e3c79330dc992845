"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { FLAG_LABELS, may, ROLE_FLAGS } from "@/shared/permissions";
import { api } from "@/trpc/react";
import { Alert } from "@/components/form";
import { DeleteAccountForm, EmailForm, NameForm, PasswordForm } from "./account-forms";
import { SessionsSection } from "./sessions-section";
import { sessionLifetimeSentence } from "./session-lifetime";

/** `sessionTtlSeconds`: how long a session lasts (SESSION_TTL_SECONDS), which the page states. */
export function AccountView(props: { sessionTtlSeconds: number }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [leaving, setLeaving] = useState(false);
  const me = api.user.get.useQuery(undefined, { enabled: !leaving });
  const logout = api.session.delete.useMutation({
    onSettled: () => {
      setLeaving(true);
      router.replace("/login");
      // Forget the account data so the next person on this browser never sees it.
      utils.user.get.setData(undefined, undefined);
    },
  });

  const signedOut = appCodeOf(me.error) === "SESSION_INVALID";
  useEffect(() => {
    if (signedOut && !leaving) router.replace("/login?next=/account");
  }, [signedOut, leaving, router]);

  if (me.isPending || signedOut || leaving) {
    return (
      <section className="card wide">
        <p className="lead" role="status">
          Loading your account…
        </p>
      </section>
    );
  }
  if (me.error) {
    return (
      <section className="card wide">
        <h1>Your account</h1>
        <Alert>{messageOf(me.error)}</Alert>
      </section>
    );
  }

  const user = me.data;
  const flags = ROLE_FLAGS.filter((flag) => user[flag]);
  return (
    <div className="account">
    <section className="card wide">
      <h1>Hello, {user.name}</h1>
      <p className="lead">This is your account. {sessionLifetimeSentence(props.sessionTtlSeconds)}</p>
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
          <div className="badges" aria-label="Your roles">
            {flags.length ? (
              flags.map((flag) => (
                <span className="badge" key={flag}>
                  {FLAG_LABELS[flag]}
                </span>
              ))
            ) : (
              <span className="badge muted">Student</span>
            )}
          </div>
        </dd>
      </dl>
      <div className="actions">
        <button className="button secondary" type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
          {logout.isPending ? "Logging out…" : "Log out"}
        </button>
        {may(user, "viewUsers") ? (
          <a className="button" href="/admin">
            Admin dashboard
          </a>
        ) : null}
      </div>
    </section>
    <SessionsSection />
    <section className="card wide settings" aria-label="Account settings">
      <NameForm me={user} />
      <hr className="divider" />
      <EmailForm me={user} />
      <hr className="divider" />
      <PasswordForm me={user} />
      <hr className="divider" />
      <DeleteAccountForm />
    </section>
    </div>
  );
}
