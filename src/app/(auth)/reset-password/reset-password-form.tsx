"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { resetPasswordInput } from "@/shared/schemas/account";
import { PASSWORD_MIN } from "@/shared/schemas/fields";
import { appCodeOf, fieldErrorsOf, messageOf, zodFieldErrors } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { Alert, Field } from "@/components/form";

export function ResetPasswordForm(props: { token: string }) {
  const [error, setError] = useState<string>();
  const reset = api.user.resetPassword.useMutation();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("password") !== form.get("confirm")) return setError("The two passwords are not the same.");
    const parsed = resetPasswordInput.safeParse({ token: props.token, password: form.get("password") });
    if (!parsed.success) return setError(zodFieldErrors(parsed.error.issues).password ?? zodFieldErrors(parsed.error.issues).token);
    setError(undefined);
    reset.mutate(parsed.data);
  }

  if (reset.isSuccess) {
    return (
      <section className="card">
        <h1>Your password was changed</h1>
        <Alert tone="success">You were logged out everywhere. Log in with your new password.</Alert>
        <p className="footer-links">
          <Link className="button block" href="/login">
            Log in
          </Link>
        </p>
      </section>
    );
  }

  const code = appCodeOf(reset.error);
  const linkBroken = !props.token || code === "TOKEN_INVALID" || code === "TOKEN_EXPIRED";
  if (linkBroken) {
    return (
      <section className="card">
        <h1>{code === "TOKEN_EXPIRED" ? "This link has expired" : "This link does not work"}</h1>
        <Alert>
          {code === "TOKEN_EXPIRED"
            ? "Password reset links work for one hour."
            : "It may have been used already, or the password was reset with another link since."}{" "}
          Ask for a new one.
        </Alert>
        <p className="footer-links">
          <Link className="button block" href="/forgot-password">
            Send a new link
          </Link>
        </p>
      </section>
    );
  }
  const fieldError = error ?? fieldErrorsOf(reset.error).password?.[0];
  return (
    <section className="card">
      <h1>Choose a new password</h1>
      <p className="lead">Your new password logs you out of every device.</p>
      <form onSubmit={onSubmit} noValidate>
        {reset.error && !fieldError ? <Alert>{messageOf(reset.error)}</Alert> : null}
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={fieldError}
          hint={`At least ${PASSWORD_MIN} characters.`}
        />
        <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required />
        <button className="button block" type="submit" disabled={reset.isPending}>
          Set new password
        </button>
      </form>
    </section>
  );
}
