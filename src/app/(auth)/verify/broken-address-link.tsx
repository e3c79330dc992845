"use client";
import { Alert } from "@/components/form";
import { ResendVerification } from "../resend-verification";

export type AddressLinkProblem = "missing" | "invalid" | "used" | "expired" | { message: string };

const TEXTS: Record<Exclude<AddressLinkProblem, { message: string }>, { title: string; explanation: string }> = {
  missing: {
    title: "This link does not work",
    explanation: "The link is missing its token. Open the link from your email again, or ask for a new one.",
  },
  invalid: {
    title: "This link does not work",
    explanation: "A newer link may have replaced it. If you already confirmed your address, just log in.",
  },
  used: {
    title: "This link was already used",
    explanation: "Each link works once. If you used it, your address is confirmed: just log in.",
  },
  expired: {
    title: "This link has expired",
    explanation: "Confirmation links work for 24 hours. Ask for a new one below.",
  },
};

/** Why an address link cannot confirm anything, with a way to get a new one. */
export function BrokenAddressLink(props: { problem: AddressLinkProblem }) {
  const { title, explanation } =
    typeof props.problem === "string" ? TEXTS[props.problem] : { title: "This link does not work", explanation: props.problem.message };
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
