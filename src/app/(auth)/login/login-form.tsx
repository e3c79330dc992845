"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { appCodeOf, messageOf, zodFieldErrors } from "@/shared/error-message";
import { createSessionInput } from "@/shared/schemas/session";
import { api } from "@/trpc/react";
import { ResendVerification } from "../resend-verification";

export function LoginForm(props: { next: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [email, setEmail] = useState("");
  const login = api.session.create.useMutation({
    onSuccess: async () => {
      await utils.invalidate();
      router.push(props.next);
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
    setEmail(parsed.data.email);
    login.mutate(parsed.data);
  }

  const code = appCodeOf(login.error);
  return (
    <section className="card">
      <h1>Log in</h1>
      <p className="lead">Welcome back. Log in with your email address and password.</p>
      <form onSubmit={onSubmit} noValidate>
        {login.error ? (
          <Alert>
            {code === "EMAIL_NOT_VERIFIED"
              ? "Confirm your email address first: open the link we sent you, or send a new one below."
              : messageOf(login.error)}
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
      {code === "EMAIL_NOT_VERIFIED" ? (
        <>
          <hr className="divider" />
          <ResendVerification email={email} />
        </>
      ) : null}
      <p className="footer-links">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </section>
  );
}
