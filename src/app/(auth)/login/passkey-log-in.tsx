"use client";
// "Log in with a passkey": the browser offers the passkeys it holds for this site, no address needed.
import { browserSupportsWebAuthn, type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from "@simplewebauthn/browser";
import { useState } from "react";
import { Alert } from "@/components/form";
import { passkeyProblem } from "@/components/passkey-problem";
import { api } from "@/trpc/react";

export function PasskeyLogIn(props: { onDone: () => Promise<void> }) {
  const options = api.session.passkeyOptions.useMutation();
  const create = api.session.createWithPasskey.useMutation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function logIn() {
    setProblem(null);
    if (!browserSupportsWebAuthn()) return setProblem("This browser cannot use passkeys. Log in with your password.");
    setBusy(true);
    try {
      const { challengeId, options: json } = await options.mutateAsync();
      // tRPC's inferred JSON type drops the options' extension types; the schema gives them.
      const passkey = await startAuthentication({ optionsJSON: json as PublicKeyCredentialRequestOptionsJSON });
      await create.mutateAsync({ challengeId, passkey });
      await props.onDone();
    } catch (error) {
      setProblem(passkeyProblem(error));
      setBusy(false);
    }
  }

  return (
    <>
      {problem ? <Alert>{problem}</Alert> : null}
      <button type="button" className="button secondary block" disabled={busy} onClick={logIn}>
        {busy ? "Waiting for your passkey…" : "Log in with a passkey"}
      </button>
    </>
  );
}
