"use client";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { currentPasswordSchema } from "@/shared/schemas/fields";
import { api } from "@/trpc/react";
import { type AddressLinkLifetimes, BrokenAddressLink } from "./broken-address-link";

/**
 * The address a link confirms and which account it is (a new one, or the one
 * now at `currentEmail`: never its name, text anyone may write); confirms only
 * when asked. A new account's link asks for the password chosen at
 * registration: the newest registration of an address nobody has confirmed
 * replaces the older one, so the link in the mailbox may be someone else's.
 */

/** Refusals the person can act on here (a wrong password, a moment's wait): shown in the form, the link still good. */
const ANSWERED_IN_PLACE = new Set(["WRONG_PASSWORD", "RATE_LIMITED", "OVERLOADED", "VALIDATION_FAILED"]);

export function ConfirmEmail(props: {
  token: string;
  purpose: "verify" | "change-email";
  email: string;
  /** An address change: the account's address until it is confirmed. */
  currentEmail: string | null;
  /** The name of another account this browser is logged in to, if any. */
  signedInAs: string | null;
  /** How long address links work (LINK_LIFETIMES), for an expired link's explanation. */
  linkLifetimes: AddressLinkLifetimes;
}) {
  const router = useRouter();
  const verify = api.user.verify.useMutation({ onSuccess: () => router.replace("/account") });
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const inPlace = verify.isError && ANSWERED_IN_PLACE.has(appCodeOf(verify.error) ?? "");

  if (verify.isError && !inPlace) {
    const code = appCodeOf(verify.error);
    const problem = code === "TOKEN_EXPIRED" ? "expired" : code === "TOKEN_INVALID" ? "invalid" : { message: messageOf(verify.error) };
    return <BrokenAddressLink problem={problem} linkLifetimes={props.linkLifetimes} />;
  }
  const changing = props.purpose === "change-email" && props.currentEmail !== null;

  function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (changing) return verify.mutate({ token: props.token });
    const parsed = currentPasswordSchema.safeParse(new FormData(event.currentTarget).get("password"));
    if (!parsed.success) return setPasswordError(parsed.error.issues[0]?.message);
    setPasswordError(undefined);
    verify.mutate({ token: props.token, password: parsed.data });
  }

  return (
    <section className="card">
      <h1>{changing ? "Confirm your new email address" : "Confirm your email address"}</h1>
      {changing ? (
        <p className="lead">
          This makes <strong className="address">{props.email}</strong> the email address of the account now at{" "}
          <strong className="address">{props.currentEmail}</strong>.
        </p>
      ) : (
        <p className="lead">
          This confirms <strong className="address">{props.email}</strong> for the new account registered with it.
        </p>
      )}
      {props.signedInAs ? (
        <Alert tone="info">
          You are logged in as <strong>{props.signedInAs}</strong>. Confirming logs you in to{" "}
          {changing ? (
            <>
              the account now at <strong className="address">{props.currentEmail}</strong>
            </>
          ) : (
            <>
              the new account of <strong className="address">{props.email}</strong>
            </>
          )}{" "}
          instead.
        </Alert>
      ) : null}
      {/* POST and a button disabled until the page's script runs: a form sent before it would put the password in the address. */}
      <form method="post" noValidate onSubmit={confirm} aria-label="Confirm the address">
        {inPlace ? <Alert>{messageOf(verify.error)}</Alert> : null}
        {changing ? null : (
          <Field
            label="The password you registered with"
            name="password"
            type="password"
            autoComplete="current-password"
            error={passwordError}
          />
        )}
        <SubmitButton className="button block" disabled={verify.isPending || verify.isSuccess}>
          {verify.isSuccess ? "Confirmed. Taking you to your account…" : verify.isPending ? "Confirming…" : "Confirm my email address"}
        </SubmitButton>
      </form>
      <p className="visually-hidden" role="status">
        {verify.isSuccess ? "Your address is confirmed." : ""}
      </p>
      <p className="hint confirm-hint">
        Not your account, or not expecting this? Close this page: nothing changes unless you press the button.
      </p>
    </section>
  );
}
