"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Alert } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { DeleteAccountForm, EmailForm, NameForm, PasswordForm } from "./account-forms";
import { AccountSummary } from "./account-summary";
import { PasskeysSection } from "./passkeys-section";
import { SessionsSection } from "./sessions-section";
import { TwoStepSection } from "./two-step-section";

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
  return (
    <div className="account">
      <AccountSummary
        user={user}
        sessionTtlSeconds={props.sessionTtlSeconds}
        loggingOut={logout.isPending}
        onLogOut={() => logout.mutate()}
      />
      <TwoStepSection />
      <PasskeysSection />
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
