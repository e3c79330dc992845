"use client";
// Two-step verification with an authenticator app: setting it up, new
// recovery codes, turning it off.
import { useState } from "react";
import { Alert } from "@/components/form";
import { messageOf } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { PasswordAndCodeForm } from "./password-and-code-form";
import { RecoveryCodes } from "./recovery-codes";
import { TotpSetup } from "./totp-setup";

type Change = "codes" | "off" | null;

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });

export function TwoStepSection() {
  const utils = api.useUtils();
  const factors = api.user.secondFactors.useQuery();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [change, setChange] = useState<Change>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => utils.user.secondFactors.invalidate();
  const regenerate = api.user.regenerateRecoveryCodes.useMutation({
    onSuccess: async (result) => {
      setChange(null);
      setCodes(result.recoveryCodes);
      await refresh();
    },
  });
  const disable = api.user.disableTotp.useMutation({
    onSuccess: async () => {
      setChange(null);
      setNotice("Two-step verification is off. Your recovery codes no longer work.");
      await refresh();
    },
  });
  const open = (next: Change) => {
    setNotice(null);
    regenerate.reset();
    disable.reset();
    setChange(next);
  };

  const totp = factors.data?.totp;
  const codesLeft = factors.data?.recoveryCodesLeft ?? 0;
  return (
    <section className="card wide" aria-labelledby="two-step-heading">
      <h2 id="two-step-heading">Two-step verification</h2>
      {factors.error ? <Alert>{messageOf(factors.error)}</Alert> : null}
      {factors.isPending ? <p role="status">Loading…</p> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {codes ? <RecoveryCodes codes={codes} onDone={() => setCodes(null)} /> : null}
      {totp && !totp.enabled && !codes ? (
        <TotpSetup
          onEnabled={(recoveryCodes) => {
            setNotice(null);
            setCodes(recoveryCodes);
          }}
        />
      ) : null}
      {totp?.enabled && !codes ? (
        <>
          <p>
            Two-step verification is <strong>on</strong>
            {totp.since ? ` since ${day(totp.since)}` : ""}: logging in with your password also asks for a code from your authenticator app.
          </p>
          <p className="muted">
            {codesLeft} recovery code{codesLeft === 1 ? "" : "s"} left.
          </p>
          {change === "codes" ? (
            <PasswordAndCodeForm
              id="new-codes"
              title="New recovery codes"
              explanation="Your old recovery codes stop working once you have new ones."
              submitLabel="Make new codes"
              pending={regenerate.isPending}
              error={regenerate.error}
              onSubmit={(input) => regenerate.mutate(input)}
              onCancel={() => open(null)}
            />
          ) : change === "off" ? (
            <PasswordAndCodeForm
              id="turn-off"
              title="Turn off two-step verification"
              explanation="Logging in will ask only for your password. Your recovery codes stop working."
              submitLabel="Turn off"
              danger
              pending={disable.isPending}
              error={disable.error}
              onSubmit={(input) => disable.mutate(input)}
              onCancel={() => open(null)}
            />
          ) : (
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => open("codes")}>
                New recovery codes
              </button>
              <button type="button" className="button danger-outline" onClick={() => open("off")}>
                Turn off
              </button>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
