"use client";
// Passkeys: log in with the device's lock (fingerprint, face, PIN) instead of a password and a code.
import { browserSupportsWebAuthn, type PublicKeyCredentialCreationOptionsJSON, startRegistration } from "@simplewebauthn/browser";
import { type FormEvent, useState } from "react";
import { z } from "zod";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { passkeyProblem } from "@/components/passkey-problem";
import { zodFieldErrors } from "@/shared/error-message";
import { currentPasswordSchema } from "@/shared/schemas/fields";
import { passkeyNameSchema } from "@/shared/schemas/second-factor";
import { api } from "@/trpc/react";
import { PasskeyItem } from "./passkey-item";
import styles from "./second-factors.module.css";

const newPasskeyForm = z.object({ name: passkeyNameSchema, password: currentPasswordSchema });

export function PasskeysSection() {
  const utils = api.useUtils();
  const factors = api.user.secondFactors.useQuery();
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const options = api.user.passkeyRegistrationOptions.useMutation();
  const add = api.user.addPasskey.useMutation();

  async function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = newPasskeyForm.safeParse({ name: form.get("passkey-name"), password: form.get("passkey-password") });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error.issues));
    setErrors({});
    setProblem(null);
    if (!browserSupportsWebAuthn()) return setProblem("This browser cannot create passkeys.");
    setBusy(true);
    try {
      const { challengeId, options: json } = await options.mutateAsync({ password: parsed.data.password });
      // tRPC's inferred JSON type drops the options' extension types; the schema gives them.
      const passkey = await startRegistration({ optionsJSON: json as PublicKeyCredentialCreationOptionsJSON });
      await add.mutateAsync({ challengeId, name: parsed.data.name, passkey });
      setAdding(false);
      setNotice(`Passkey “${parsed.data.name}” added. You can now log in with it.`);
      await utils.user.secondFactors.invalidate();
    } catch (error) {
      setProblem(passkeyProblem(error));
    } finally {
      setBusy(false);
    }
  }

  const passkeys = factors.data?.passkeys ?? [];
  return (
    <section className="card wide" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p className="muted">
        A passkey logs you in with this device’s screen lock (fingerprint, face or PIN), without your password or a code.
      </p>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {factors.data && passkeys.length === 0 ? <p className="empty">You have no passkeys yet.</p> : null}
      {passkeys.length ? (
        <ul className={styles.list} aria-label="Your passkeys">
          {passkeys.map((p) => (
            <PasskeyItem key={p.id} passkey={p} onChanged={setNotice} />
          ))}
        </ul>
      ) : null}
      {adding ? (
        <form noValidate onSubmit={onAdd} aria-labelledby="add-passkey-heading">
          <h3 id="add-passkey-heading">Add a passkey</h3>
          {problem ? <Alert>{problem}</Alert> : null}
          <Field
            label="Passkey name"
            name="passkey-name"
            maxLength={60}
            placeholder="e.g. My laptop"
            hint="So you can tell your passkeys apart."
            error={errors.name}
          />
          <Field label="Your password" name="passkey-password" type="password" autoComplete="current-password" error={errors.password} />
          <SubmitOrCancel disabled={busy} onCancel={() => setAdding(false)}>
            {busy ? "Waiting for your device…" : "Create passkey"}
          </SubmitOrCancel>
        </form>
      ) : (
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setNotice(null);
            setProblem(null);
            setAdding(true);
          }}
        >
          Add a passkey
        </button>
      )}
    </section>
  );
}
