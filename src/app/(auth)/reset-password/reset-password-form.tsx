"use client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { PasswordStrength } from "@/components/password-strength";
import { durationInWords } from "@/shared/duration-in-words";
import { appCodeOf, fieldErrorsOf, messageOf, zodFieldErrors } from "@/shared/error-message";
import { passwordProblem } from "@/shared/password-rules";
import type { LinkLifetimes } from "@/shared/policy";
import { resetPasswordInput } from "@/shared/schemas/account";
import { PASSWORD_MIN } from "@/shared/schemas/fields";
import { api } from "@/trpc/react";

/**
 * What the page read from the link: whose password it sets (and, for a
 * take-back link mailed after an address change, the address the account
 * goes back to), or why it does not work.
 */
export type ResetLink = { state: "valid"; email: string; name: string; takeBack: boolean } | { state: "invalid" | "used" | "expired" };

/** `linkLifetimes`: how long each mailed link works (LINK_LIFETIMES), which an expired link's page states. */
export function ResetPasswordForm(props: { token: string; link: ResetLink; linkLifetimes: LinkLifetimes }) {
  const [error, setError] = useState<string>();
  const [password, setPassword] = useState("");
  const reset = api.user.resetPassword.useMutation();
  const context = props.link.state === "valid" ? { emails: [props.link.email], names: [props.link.name] } : {};
  const takeBack = props.link.state === "valid" && props.link.takeBack;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("password") !== form.get("confirm")) return setError("The two passwords are not the same.");
    const parsed = resetPasswordInput.safeParse({ token: props.token, password: form.get("password") });
    if (!parsed.success) return setError(zodFieldErrors(parsed.error.issues).password ?? zodFieldErrors(parsed.error.issues).token);
    const problem = passwordProblem(parsed.data.password, context);
    if (problem) return setError(problem);
    setError(undefined);
    reset.mutate(parsed.data);
  }

  if (reset.isSuccess) {
    return (
      <section className="card">
        <h1>{takeBack ? "Your account is yours again" : "Your password was changed"}</h1>
        <Alert tone="success">
          {takeBack && props.link.state === "valid"
            ? `Your account's address is ${props.link.email} again. Its two-step verification and passkeys were removed: set them up again after logging in. `
            : ""}
          You were logged out everywhere. Log in with your new password.
        </Alert>
        <p className="footer-links">
          <Link className="button block" href="/login">
            Log in
          </Link>
        </p>
      </section>
    );
  }

  const code = appCodeOf(reset.error);
  const broken =
    code === "TOKEN_EXPIRED" ? "expired" : code === "TOKEN_INVALID" ? "invalid" : props.link.state === "valid" ? null : props.link.state;
  if (broken) {
    return (
      <section className="card">
        <h1>
          {broken === "expired" ? "This link has expired" : broken === "used" ? "This link was already used" : "This link does not work"}
        </h1>
        <Alert>
          {broken === "expired"
            ? `Password reset links work for ${durationInWords(props.linkLifetimes["reset-password"])}, ` +
              `links to take an account back for ${durationInWords(props.linkLifetimes["revert-email"])}.`
            : broken === "used"
              ? "Each link works once."
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
      <h1>{takeBack ? "Take your account back" : "Choose a new password"}</h1>
      <p className="lead">
        {props.link.state === "valid" && takeBack ? (
          <>
            Your account's address goes back to <strong className="address">{props.link.email}</strong>, the new address is dropped, and
            every authenticator app and passkey is removed (whoever changed the address may have added their own).{" "}
          </>
        ) : props.link.state === "valid" ? (
          <>
            For <strong className="address">{props.link.email}</strong>.{" "}
          </>
        ) : null}
        Your new password logs you out of every device.
      </p>
      <form onSubmit={onSubmit} noValidate>
        {reset.error && !fieldError ? <Alert>{messageOf(reset.error)}</Alert> : null}
        <Field
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={fieldError}
          hint={`At least ${PASSWORD_MIN} characters. A few unrelated words make a strong password.`}
          onChange={(e) => {
            setPassword(e.currentTarget.value);
            setError(undefined);
          }}
        >
          <PasswordStrength password={password} context={context} fieldError={fieldError} />
        </Field>
        <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required />
        <SubmitButton className="button block" disabled={reset.isPending}>
          Set new password
        </SubmitButton>
      </form>
    </section>
  );
}
