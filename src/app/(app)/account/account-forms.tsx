"use client";
// The account page's forms: name, email, password, deleting the account.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { Alert, Field, SubmitButton } from "@/components/form";
import { PasswordStrength } from "@/components/password-strength";
import { appCodeOf, fieldErrorsOf, firstFieldErrors, messageOf, zodFieldErrors } from "@/shared/error-message";
import { passwordProblem } from "@/shared/password-rules";
import { PASSWORD_MIN } from "@/shared/schemas/fields";
import { deleteUserInput, type Me, updateUserInput } from "@/shared/schemas/user";
import { api } from "@/trpc/react";

type Errors = Record<string, string>;

function useUpdate(onDone: (me: Me) => string) {
  const utils = api.useUtils();
  const [errors, setErrors] = useState<Errors>({});
  const [success, setSuccess] = useState<string | null>(null);
  const mutation = api.user.update.useMutation({
    onSuccess: (me) => {
      utils.user.get.setData(undefined, me);
      setSuccess(onDone(me));
    },
    onError: (error) => {
      setSuccess(null);
      setErrors(firstFieldErrors(error));
    },
  });
  /** Checks on the page first (the shared schema, then `check`), then sends. */
  function submit(input: z.input<typeof updateUserInput>, check?: (parsed: z.output<typeof updateUserInput>) => Errors | null) {
    const parsed = updateUserInput.safeParse(input);
    const refused = parsed.success
      ? check?.(parsed.data)
      : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    if (!parsed.success || refused) {
      setSuccess(null);
      setErrors(refused ?? {});
      return;
    }
    setErrors({});
    mutation.mutate(parsed.data);
  }
  const generalError = mutation.error && !Object.keys(fieldErrorsOf(mutation.error)).length ? messageOf(mutation.error) : null;
  return { submit, errors, success, generalError, pending: mutation.isPending };
}

export function NameForm(props: { me: Me }) {
  const update = useUpdate(() => "Your name was saved.");
  return (
    <form
      noValidate
      aria-labelledby="name-heading"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        update.submit({ name: String(new FormData(e.currentTarget).get("name") ?? "") });
      }}
    >
      <h2 id="name-heading">Name</h2>
      {update.success ? <Alert tone="success">{update.success}</Alert> : null}
      {update.generalError ? <Alert>{update.generalError}</Alert> : null}
      <Field label="Your name" name="name" defaultValue={props.me.name} maxLength={100} autoComplete="name" error={update.errors.name} />
      <SubmitButton className="button secondary" disabled={update.pending}>
        Save name
      </SubmitButton>
    </form>
  );
}

export function EmailForm(props: { me: Me }) {
  // The same words whether or not the new address has an account: it gets a link, or its owner a notice.
  const update = useUpdate((me) => `We sent a message to ${me.pendingEmail}. Your address changes once you open the link in it.`);
  const utils = api.useUtils();
  const cancel = api.user.cancelEmailChange.useMutation({ onSuccess: (me) => utils.user.get.setData(undefined, me) });
  return (
    <form
      noValidate
      aria-labelledby="email-heading"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const currentPassword = String(form.get("currentPassword") ?? "");
        update.submit({ email: String(form.get("email") ?? ""), currentPassword: currentPassword || undefined }, (parsed) =>
          parsed.email && parsed.email !== props.me.email && !parsed.currentPassword
            ? { currentPassword: "Enter your current password to change your email address." }
            : null,
        );
        const password = e.currentTarget.elements.namedItem("currentPassword");
        if (password instanceof HTMLInputElement) password.value = "";
      }}
    >
      <h2 id="email-heading">Email address</h2>
      <p className="muted">
        Now: <strong>{props.me.email}</strong>
      </p>
      {props.me.pendingEmail ? (
        <div className="pending" role="status">
          <p>
            Waiting for confirmation: <strong>{props.me.pendingEmail}</strong>. Until the link sent there is opened, you keep logging in
            with your current address.
          </p>
          <button className="button secondary" type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel the change"}
          </button>
        </div>
      ) : null}
      {cancel.isSuccess && !props.me.pendingEmail ? (
        <Alert tone="success">The change was cancelled; its link no longer works.</Alert>
      ) : null}
      {cancel.error ? <Alert>{messageOf(cancel.error)}</Alert> : null}
      {update.success && props.me.pendingEmail ? <Alert tone="success">{update.success}</Alert> : null}
      {update.generalError ? <Alert>{update.generalError}</Alert> : null}
      <Field label="New email address" name="email" type="email" autoComplete="email" error={update.errors.email} />
      <Field
        label="Confirm with your password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        error={update.errors.currentPassword}
        hint="The address you log in and recover your account with changes only with your password."
      />
      <SubmitButton className="button secondary" disabled={update.pending}>
        Change email
      </SubmitButton>
    </form>
  );
}

export function PasswordForm(props: { me: Me }) {
  const update = useUpdate(() => "Your password was changed. Other devices were logged out.");
  const [next, setNext] = useState("");
  const context = { emails: [props.me.email, props.me.pendingEmail], names: [props.me.name] };
  return (
    <form
      noValidate
      aria-labelledby="password-heading"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        update.submit({ password: { current: String(form.get("current") ?? ""), next: String(form.get("next") ?? "") } }, (parsed) => {
          const problem = parsed.password ? passwordProblem(parsed.password.next, context) : null;
          return problem ? { "password.next": problem } : null;
        });
        e.currentTarget.reset();
        setNext("");
      }}
    >
      <h2 id="password-heading">Password</h2>
      {update.success ? <Alert tone="success">{update.success}</Alert> : null}
      {update.generalError ? <Alert>{update.generalError}</Alert> : null}
      <Field
        label="Current password"
        name="current"
        type="password"
        autoComplete="current-password"
        error={update.errors["password.current"]}
      />
      <Field
        label="New password"
        name="next"
        type="password"
        autoComplete="new-password"
        error={update.errors["password.next"]}
        hint={`At least ${PASSWORD_MIN} characters.`}
        onChange={(e) => setNext(e.currentTarget.value)}
      >
        <PasswordStrength password={next} context={context} fieldError={update.errors["password.next"]} />
      </Field>
      <SubmitButton className="button secondary" disabled={update.pending}>
        Change password
      </SubmitButton>
    </form>
  );
}

export function DeleteAccountForm() {
  const router = useRouter();
  const utils = api.useUtils();
  const [error, setError] = useState<string | undefined>();
  const remove = api.user.delete.useMutation({
    onSuccess: () => {
      utils.user.get.setData(undefined, undefined);
      router.replace("/?deleted=1");
    },
  });
  return (
    <form
      noValidate
      aria-labelledby="delete-heading"
      className="danger-zone"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        const parsed = deleteUserInput.safeParse({ password: new FormData(e.currentTarget).get("password") });
        if (!parsed.success) return setError(zodFieldErrors(parsed.error.issues).password);
        setError(undefined);
        remove.mutate(parsed.data);
      }}
    >
      <h2 id="delete-heading">Delete account</h2>
      <p className="muted">This removes your account and logs you out everywhere. It cannot be undone.</p>
      {remove.error ? (
        <Alert>{appCodeOf(remove.error) === "WRONG_PASSWORD" ? "That password is not correct." : messageOf(remove.error)}</Alert>
      ) : null}
      <Field label="Type your password to confirm" name="password" type="password" autoComplete="current-password" error={error} />
      <SubmitButton className="button danger" disabled={remove.isPending}>
        Delete account
      </SubmitButton>
    </form>
  );
}
