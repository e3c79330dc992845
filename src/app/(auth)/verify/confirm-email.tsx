"use client";
import { useRouter } from "next/navigation";
import { Alert } from "@/components/form";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { type AddressLinkLifetimes, BrokenAddressLink } from "./broken-address-link";

/**
 * The address a link confirms and which account it is (a new one, or the one
 * now at `currentEmail`: never its name, text anyone may write); confirms only
 * when asked.
 */
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

  if (verify.isError) {
    const code = appCodeOf(verify.error);
    const problem = code === "TOKEN_EXPIRED" ? "expired" : code === "TOKEN_INVALID" ? "invalid" : { message: messageOf(verify.error) };
    return <BrokenAddressLink problem={problem} linkLifetimes={props.linkLifetimes} />;
  }
  const changing = props.purpose === "change-email" && props.currentEmail !== null;
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
      <button
        className="button block"
        type="button"
        disabled={verify.isPending || verify.isSuccess}
        onClick={() => verify.mutate({ token: props.token })}
      >
        {verify.isSuccess ? "Confirmed. Taking you to your account…" : verify.isPending ? "Confirming…" : "Confirm my email address"}
      </button>
      <p className="visually-hidden" role="status">
        {verify.isSuccess ? "Your address is confirmed." : ""}
      </p>
      <p className="hint confirm-hint">
        Not your account, or not expecting this? Close this page: nothing changes unless you press the button.
      </p>
    </section>
  );
}
