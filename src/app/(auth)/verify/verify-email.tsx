"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { appCodeOf, messageOf } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { Alert } from "@/components/form";
import { ResendVerification } from "../resend-verification";

/** Verifies the link's token on load (once), then goes to the account page. */
export function VerifyEmail(props: { token: string }) {
  const router = useRouter();
  const verify = api.user.verify.useMutation({ onSuccess: () => router.replace("/account") });
  const started = useRef(false);

  useEffect(() => {
    if (started.current || !props.token) return;
    started.current = true;
    verify.mutate({ token: props.token });
  }, [props.token, verify]);

  const failed = !props.token || verify.isError;
  if (!failed) {
    return (
      <section className="card">
        <h1>Confirming your email…</h1>
        <p className="lead" role="status">
          {verify.isSuccess ? "Confirmed. Taking you to your account…" : "One moment while we check your link."}
        </p>
      </section>
    );
  }

  const code = appCodeOf(verify.error);
  const title = code === "TOKEN_EXPIRED" ? "This link has expired" : "This link does not work";
  const explanation = !props.token
    ? "The link is missing its token. Open the link from your email again, or ask for a new one."
    : code === "TOKEN_EXPIRED"
      ? "Confirmation links work for 24 hours. Ask for a new one below."
      : code === "TOKEN_INVALID"
        ? "It may have been used already, or a newer link replaced it. If you already confirmed, just log in."
        : messageOf(verify.error);
  return (
    <section className="card">
      <h1>{title}</h1>
      <Alert>{explanation}</Alert>
      <hr className="divider" />
      <p className="lead">Enter your email address and we will send you a new link.</p>
      <ResendVerification />
      <p className="footer-links">
        Already confirmed? <a href="/login">Log in</a>
      </p>
    </section>
  );
}
