"use client";
// Shown when the server answered REAUTHENTICATION_REQUIRED: granting admin,
// deleting an account or resetting its two-step verification needs a proof no
// older than 10 minutes. The same request is sent again with the password.
import { type FormEvent, useId, useState } from "react";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { currentPasswordSchema } from "@/shared/schemas/fields";

export function ConfirmItsYou(props: {
  /** What the password is for, after "Enter your password to …". */
  what: string;
  submitLabel: string;
  busy: boolean;
  /** The last attempt's refusal (a wrong password), if any. */
  error: string | null;
  onConfirm: (password: string) => void;
  onCancel: () => void;
}) {
  const id = useId().replace(/:/g, "");
  const [passwordError, setPasswordError] = useState<string | undefined>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = currentPasswordSchema.safeParse(new FormData(event.currentTarget).get(`confirm-${id}`));
    if (!parsed.success) return setPasswordError(parsed.error.issues[0]?.message);
    setPasswordError(undefined);
    props.onConfirm(parsed.data);
  }

  return (
    <form className="pending" noValidate onSubmit={submit} aria-labelledby={`confirm-${id}-heading`}>
      <h3 id={`confirm-${id}-heading`}>Confirm it’s you</h3>
      <p className="muted">
        Enter your password to {props.what}. Your last proof is over 10 minutes old, and this change must not be made by someone who got
        hold of your session.
      </p>
      {props.error ? <Alert>{props.error}</Alert> : null}
      <Field label="Your password" name={`confirm-${id}`} type="password" autoComplete="current-password" error={passwordError} />
      <SubmitOrCancel className="button danger" disabled={props.busy} onCancel={props.onCancel}>
        {props.submitLabel}
      </SubmitOrCancel>
    </form>
  );
}
