"use client";
// A sensitive change to two-step verification (new recovery codes, turning it
// off): the password and a current code from the app, both.
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { passwordAndCodeInput } from "@/shared/schemas/second-factor";

export function PasswordAndCodeForm(props: {
  /** Names the form and its fields (ids must be unique on the page). */
  id: string;
  title: string;
  explanation: string;
  submitLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit: (input: z.output<typeof passwordAndCodeInput>) => void;
  onCancel: () => void;
}) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = passwordAndCodeInput.safeParse({ password: form.get(`${props.id}-password`), code: form.get(`${props.id}-code`) });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    props.onSubmit(parsed.data);
  }
  return (
    <form noValidate onSubmit={submit} aria-labelledby={`${props.id}-heading`}>
      <h3 id={`${props.id}-heading`}>{props.title}</h3>
      <p className="muted">{props.explanation}</p>
      {props.error ? <Alert>{messageOf(props.error)}</Alert> : null}
      <Field label="Your password" name={`${props.id}-password`} type="password" autoComplete="current-password" error={errors.password} />
      <Field
        label="6-digit code from your app"
        name={`${props.id}-code`}
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={7}
        error={errors.code}
      />
      <SubmitOrCancel className={props.danger ? "button danger" : "button"} disabled={props.pending} onCancel={props.onCancel}>
        {props.submitLabel}
      </SubmitOrCancel>
    </form>
  );
}
