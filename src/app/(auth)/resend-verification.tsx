"use client";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { resendVerificationInput } from "@/shared/schemas/account";
import { api } from "@/trpc/react";

/** Asks for a new verification link; the answer is the same whether or not the address is known. */
export function ResendVerification(props: { email?: string }) {
  const [error, setError] = useState<string>();
  const resend = api.user.resendVerification.useMutation();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = resendVerificationInput.safeParse({ email: new FormData(event.currentTarget).get("email") });
    if (!parsed.success) {
      setError(zodFieldErrors(parsed.error.issues).email);
      return;
    }
    setError(undefined);
    await resend.mutateAsync(parsed.data).catch(() => undefined);
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {resend.isSuccess ? (
        <Alert tone="success">If that address has an account waiting for confirmation, a new link is on its way.</Alert>
      ) : null}
      {resend.error ? <Alert>{messageOf(resend.error)}</Alert> : null}
      <Field label="Email address" name="email" type="email" autoComplete="email" defaultValue={props.email} required error={error} />
      <SubmitButton className="button secondary block" disabled={resend.isPending}>
        {resend.isPending ? "Sending…" : "Send a new link"}
      </SubmitButton>
    </form>
  );
}
