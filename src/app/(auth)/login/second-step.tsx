"use client";
// The log-in's second step, after a right password: a code from the
// authenticator app, a recovery code, or a passkey, answering the ticket.
import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from "@simplewebauthn/browser";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { passkeyProblem } from "@/components/passkey-problem";
import { appCodeOf, messageOf, zodFieldErrors } from "@/shared/error-message";
import { completeSecondFactorInput, type SecondFactorMethod } from "@/shared/schemas/second-factor";
import { api } from "@/trpc/react";

type Mode = "totp" | "recovery";

/** How many wrong codes the ticket still admits (error.data.triesLeft of SECOND_FACTOR_INVALID). */
const triesLeftOf = (error: unknown): number | undefined => (error as { data?: { triesLeft?: number } } | null)?.data?.triesLeft;

export function SecondStep(props: {
  ticket: string;
  methods: SecondFactorMethod[];
  onDone: () => Promise<void>;
  /** The ticket has ended (used, expired, out of tries): back to the password. */
  onExpired: () => void;
  onCancel: () => void;
}) {
  const { ticket, methods } = props;
  const [mode, setMode] = useState<Mode>(methods.includes("totp") ? "totp" : "recovery");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | null>(null);
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const complete = api.session.completeSecondFactor.useMutation({
    onSuccess: () => props.onDone(),
    onError: (error) => {
      if (appCodeOf(error) === "TICKET_INVALID") props.onExpired();
    },
  });
  const passkeyOptions = api.session.secondFactorPasskeyOptions.useMutation();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get(mode);
    const parsed = completeSecondFactorInput.safeParse(mode === "totp" ? { ticket, totp: value } : { ticket, recoveryCode: value });
    if (!parsed.success) return setFieldError(Object.values(zodFieldErrors(parsed.error.issues))[0]);
    setFieldError(undefined);
    setProblem(null);
    complete.mutate(parsed.data);
  }

  async function answerWithPasskey() {
    setProblem(null);
    complete.reset();
    setPasskeyBusy(true);
    try {
      const { options } = await passkeyOptions.mutateAsync({ ticket });
      // tRPC's inferred JSON type drops the options' extension types; the schema gives them.
      const passkey = await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
      await complete.mutateAsync({ ticket, passkey });
    } catch (error) {
      if (appCodeOf(error) === "TICKET_INVALID") return props.onExpired();
      if (!appCodeOf(error)) setProblem(passkeyProblem(error));
    } finally {
      setPasskeyBusy(false);
    }
  }

  function switchTo(next: Mode) {
    setMode(next);
    setFieldError(undefined);
    setProblem(null);
    complete.reset();
  }

  const triesLeft = triesLeftOf(complete.error);
  // An account whose only second factor is a passkey has no code to type.
  const codes = methods.includes("totp") || methods.includes("recovery");
  return (
    <section className="card">
      <h1>Two-step verification</h1>
      <p className="lead">
        {!codes
          ? "Confirm it is you with your passkey."
          : mode === "totp"
            ? "Enter the code from your authenticator app."
            : "Enter one of the recovery codes you saved when you set up two-step verification. Each code works once."}
      </p>
      {complete.error && appCodeOf(complete.error) !== "TICKET_INVALID" ? (
        <Alert>
          {messageOf(complete.error)}
          {triesLeft !== undefined ? ` ${triesLeft} ${triesLeft === 1 ? "try" : "tries"} left.` : ""}
        </Alert>
      ) : null}
      {problem ? <Alert>{problem}</Alert> : null}
      <form onSubmit={onSubmit} noValidate hidden={!codes}>
        {mode === "totp" ? (
          <Field
            key="totp"
            label="6-digit code"
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
            autoFocus
            required
            error={fieldError}
          />
        ) : (
          <Field
            key="recovery"
            label="Recovery code"
            name="recovery"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            required
            error={fieldError}
          />
        )}
        <SubmitButton className="button block" disabled={complete.isPending || complete.isSuccess}>
          {complete.isPending ? "Checking…" : "Continue"}
        </SubmitButton>
      </form>
      <hr className="divider" />
      <div className="actions">
        {mode === "totp" && methods.includes("recovery") ? (
          <button type="button" className="button secondary" onClick={() => switchTo("recovery")}>
            Use a recovery code
          </button>
        ) : null}
        {mode === "recovery" && methods.includes("totp") ? (
          <button type="button" className="button secondary" onClick={() => switchTo("totp")}>
            Use your authenticator app
          </button>
        ) : null}
        {methods.includes("passkey") ? (
          <button type="button" className="button secondary" disabled={passkeyBusy} onClick={answerWithPasskey}>
            {passkeyBusy ? "Waiting for your passkey…" : "Use a passkey"}
          </button>
        ) : null}
        <button type="button" className="button secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
