"use client";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { PasswordStrength } from "@/components/password-strength";
import { durationInWords } from "@/shared/duration-in-words";
import { appCodeOf, fieldErrorsOf, firstFieldErrors, messageOf, zodFieldErrors } from "@/shared/error-message";
import { passwordProblem } from "@/shared/password-rules";
import { registerInput } from "@/shared/schemas/account";
import { PASSWORD_MIN } from "@/shared/schemas/fields";
import { api } from "@/trpc/react";
import { ResendVerification } from "../resend-verification";

/** `linkLifetimeSeconds`: how long the confirmation link works (LINK_LIFETIMES), which the page states. */
export function RegisterForm(props: { linkLifetimeSeconds: number }) {
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [submitted, setSubmitted] = useState<{ email: string; verified: boolean } | null>(null);
  // What is typed so far: the meter judges the password against this name and address.
  const [draft, setDraft] = useState({ email: "", name: "", password: "" });
  const register = api.user.register.useMutation();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = registerInput.safeParse({
      email: form.get("email"),
      name: form.get("name"),
      password: form.get("password"),
      teacherToken: form.get("teacherToken"),
    });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    const problem = passwordProblem(parsed.data.password, { emails: [parsed.data.email], names: [parsed.data.name] });
    if (problem) {
      setFieldErrors({ password: problem });
      return;
    }
    setFieldErrors({});
    try {
      const result = await register.mutateAsync(parsed.data);
      setSubmitted({ email: parsed.data.email, verified: result.verified });
    } catch (error) {
      const serverFields = firstFieldErrors(error);
      if (appCodeOf(error) === "TEACHER_TOKEN_INVALID") serverFields.teacherToken = messageOf(error);
      setFieldErrors(serverFields);
    }
  }

  if (submitted?.verified) {
    return (
      <section className="card">
        <h1>Your teacher account is ready</h1>
        <Alert tone="success">Your invitation was accepted and your address is confirmed.</Alert>
        <p className="muted">
          If this address already had an account, that account is unchanged and we sent it a mail instead: log in with its password, and ask
          an admin to make it a teacher account.
        </p>
        <p className="footer-links">
          <Link className="button block" href="/login">
            Continue to log in
          </Link>
        </p>
      </section>
    );
  }

  if (submitted) {
    return (
      <section className="card">
        <h1>Check your email</h1>
        <p className="lead">
          We sent a link to <strong>{submitted.email}</strong>.
          {` Open it within ${durationInWords(props.linkLifetimeSeconds)} to confirm your address and log in.`}
        </p>
        <Alert tone="info">
          <p>No mail after a few minutes? Look in your spam folder, or send a new link.</p>
        </Alert>
        <hr className="divider" />
        <ResendVerification email={submitted.email} />
      </section>
    );
  }

  // Errors about one field are shown at that field; anything else above the form.
  const serverError =
    register.error && !Object.keys(fieldErrorsOf(register.error)).length && appCodeOf(register.error) !== "TEACHER_TOKEN_INVALID"
      ? messageOf(register.error)
      : "";
  return (
    <section className="card">
      <h1>Create your account</h1>
      <p className="lead">It takes a minute. We will send you a link to confirm your email address.</p>
      <form
        onSubmit={onSubmit}
        onChange={(e) => {
          // An edited field's old error goes: it no longer describes what is there.
          const edited = e.target instanceof HTMLInputElement ? e.target.name : "";
          setFieldErrors(({ [edited]: _stale, ...rest }) => rest);
          const form = new FormData(e.currentTarget);
          setDraft({
            email: String(form.get("email") ?? ""),
            name: String(form.get("name") ?? ""),
            password: String(form.get("password") ?? ""),
          });
        }}
        noValidate
      >
        {serverError ? <Alert>{serverError}</Alert> : null}
        <Field label="Email address" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
        <Field label="Your name" name="name" autoComplete="name" required maxLength={100} error={fieldErrors.name} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={fieldErrors.password}
          hint={`At least ${PASSWORD_MIN} characters. A few unrelated words make a strong password.`}
        >
          <PasswordStrength
            password={draft.password}
            context={{ emails: [draft.email], names: [draft.name] }}
            fieldError={fieldErrors.password}
          />
        </Field>
        <Field
          label="Teacher token (optional)"
          name="teacherToken"
          autoComplete="off"
          error={fieldErrors.teacherToken}
          hint="Teachers: paste the token from your invitation. Students leave this empty."
        />
        <SubmitButton className="button block" disabled={register.isPending}>
          {register.isPending ? "Creating account…" : "Create account"}
        </SubmitButton>
      </form>
      <p className="footer-links">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </section>
  );
}
