"use client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { durationInWords } from "@/shared/duration-in-words";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { requestPasswordResetInput } from "@/shared/schemas/account";
import { api } from "@/trpc/react";

/** `linkLifetimeSeconds`: how long a reset link works (LINK_LIFETIMES), which the page states. */
export function ForgotPasswordForm(props: { linkLifetimeSeconds: number }) {
  const [error, setError] = useState<string>();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = api.user.requestPasswordReset.useMutation();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = requestPasswordResetInput.safeParse({ email: new FormData(event.currentTarget).get("email") });
    if (!parsed.success) return setError(zodFieldErrors(parsed.error.issues).email);
    setError(undefined);
    await request
      .mutateAsync(parsed.data)
      .then(() => setSentTo(parsed.data.email))
      .catch(() => undefined);
  }

  if (sentTo) {
    return (
      <section className="card">
        <h1>Check your email</h1>
        <Alert tone="success">
          If <strong>{sentTo}</strong> has an account, we sent it a link to choose a new password.
          {` It works for ${durationInWords(props.linkLifetimeSeconds)}.`}
        </Alert>
        <p className="footer-links">
          <Link href="/login">Back to log in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Forgot your password?</h1>
      <p className="lead">Enter your email address and we will send you a link to choose a new one.</p>
      <form onSubmit={onSubmit} noValidate>
        {request.error ? <Alert>{messageOf(request.error)}</Alert> : null}
        <Field label="Email address" name="email" type="email" autoComplete="email" required error={error} />
        <SubmitButton className="button block" disabled={request.isPending}>
          Send reset link
        </SubmitButton>
      </form>
      <p className="footer-links">
        Remembered it? <Link href="/login">Log in</Link>
      </p>
    </section>
  );
}
