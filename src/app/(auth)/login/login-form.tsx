"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { appCodeOf, messageOf, zodFieldErrors } from "@/shared/error-message";
import type { SecondFactorMethod } from "@/shared/schemas/second-factor";
import { createSessionInput } from "@/shared/schemas/session";
import { api } from "@/trpc/react";
import { PasskeyLogIn } from "./passkey-log-in";
import { SecondStep } from "./second-step";

export function LoginForm(props: { next: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  // A right password for an account with a second factor: the ticket for the second step.
  const [secondFactor, setSecondFactor] = useState<{ ticket: string; methods: SecondFactorMethod[] } | null>(null);
  const [ended, setEnded] = useState(false);
  const loggedIn = async () => {
    await utils.invalidate();
    router.push(props.next);
  };
  const login = api.session.create.useMutation({
    onSuccess: async (result) => {
      if ("secondFactor" in result) return setSecondFactor(result.secondFactor);
      await loggedIn();
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = createSessionInput.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    setFieldErrors({});
    setEnded(false);
    login.mutate(parsed.data);
  }

  const code = appCodeOf(login.error);
  if (secondFactor) {
    const back = (timedOut: boolean) => {
      setSecondFactor(null);
      setEnded(timedOut);
      login.reset();
    };
    return (
      <SecondStep
        ticket={secondFactor.ticket}
        methods={secondFactor.methods}
        onDone={loggedIn}
        onExpired={() => back(true)}
        onCancel={() => back(false)}
      />
    );
  }
  return (
    <section className="card">
      <h1>Log in</h1>
      <p className="lead">Welcome back. Log in with your email address and password.</p>
      <form onSubmit={onSubmit} noValidate>
        {ended ? (
          <Alert>This log-in step has ended (too many wrong codes, or it took too long). Log in with your password again.</Alert>
        ) : null}
        {login.error ? (
          <Alert>
            {messageOf(login.error)}
            {/* The server answers an unconfirmed address as a wrong password (no oracle) and mails it a fresh link. */}
            {code === "INVALID_CREDENTIALS" ? " New account? Confirm your address first, with the link in the mail we sent you." : null}
          </Alert>
        ) : null}
        <Field label="Email address" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fieldErrors.password} />
        <p className="hint right">
          <Link href="/forgot-password">Forgot your password?</Link>
        </p>
        <SubmitButton className="button block" disabled={login.isPending || login.isSuccess}>
          {login.isPending ? "Logging in…" : "Log in"}
        </SubmitButton>
      </form>
      <hr className="divider" />
      <PasskeyLogIn onDone={loggedIn} />
      <p className="footer-links">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </section>
  );
}
