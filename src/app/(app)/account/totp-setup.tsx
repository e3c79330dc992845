"use client";
// Setting up an authenticator app: the password, then the QR code (or the
// setup key typed by hand), then a first code from the app.
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { confirmTotpInput, startTotpInput } from "@/shared/schemas/second-factor";
import { api } from "@/trpc/react";
import styles from "./second-factors.module.css";

export function TotpSetup(props: { onEnabled: (recoveryCodes: string[]) => void }) {
  const utils = api.useUtils();
  const [open, setOpen] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const start = api.user.startTotp.useMutation();
  const confirm = api.user.confirmTotp.useMutation({
    onSuccess: async (result) => {
      props.onEnabled(result.recoveryCodes);
      // Turning it on raised this session to two steps: the sessions list says so.
      await Promise.all([utils.user.secondFactors.invalidate(), utils.session.list.invalidate()]);
    },
  });

  function onPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = startTotpInput.safeParse({ password: new FormData(event.currentTarget).get("totp-password") });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    start.mutate(parsed.data);
  }

  function onCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = confirmTotpInput.safeParse({ code: new FormData(event.currentTarget).get("totp-code") });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    confirm.mutate(parsed.data);
  }

  function cancel() {
    setOpen(false);
    setErrors({});
    start.reset();
    confirm.reset();
  }

  if (!open) {
    return (
      <>
        <p>
          Two-step verification is <strong>off</strong>. Turn it on to ask for a code from an authenticator app on your phone (such as
          Google Authenticator, Microsoft Authenticator or 1Password) each time you log in with your password.
        </p>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Set up two-step verification
        </button>
      </>
    );
  }

  if (!start.data) {
    return (
      <form noValidate onSubmit={onPassword} aria-labelledby="totp-start-heading">
        <h3 id="totp-start-heading">Set up an authenticator app</h3>
        {start.error ? <Alert>{messageOf(start.error)}</Alert> : null}
        <Field
          label="Your password"
          name="totp-password"
          type="password"
          autoComplete="current-password"
          hint="To make sure it is you."
          error={errors.password}
        />
        <SubmitOrCancel disabled={start.isPending} onCancel={cancel}>
          {start.isPending ? "Checking…" : "Continue"}
        </SubmitOrCancel>
      </form>
    );
  }

  return (
    <form noValidate onSubmit={onCode} aria-labelledby="totp-scan-heading">
      <h3 id="totp-scan-heading">Set up an authenticator app</h3>
      <p>1. Scan this QR code with your authenticator app.</p>
      {/* biome-ignore lint/performance/noImgElement: a data URL made by the server; next/image would gain nothing */}
      <img className={styles.qr} src={start.data.qrCode} alt="QR code to scan with your authenticator app" width={200} height={200} />
      <p>
        Cannot scan it? Type this setup key into the app instead:{" "}
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the key for screen readers (axe accepts it); <code> has no label element */}
        <code className={styles.secret} aria-label="Setup key">
          {start.data.secret}
        </code>
      </p>
      <p className={styles.step}>2. Enter the 6-digit code the app shows.</p>
      {confirm.error ? <Alert>{messageOf(confirm.error)}</Alert> : null}
      <Field label="6-digit code" name="totp-code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} error={errors.code} />
      <SubmitOrCancel disabled={confirm.isPending} onCancel={cancel}>
        {confirm.isPending ? "Checking…" : "Turn on"}
      </SubmitOrCancel>
    </form>
  );
}
