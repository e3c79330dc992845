"use client";
import { Alert } from "@/components/form";
import { durationInWords } from "@/shared/duration-in-words";
import type { LinkLifetimes } from "@/shared/policy";
import { ResendVerification } from "../resend-verification";

export type AddressLinkProblem = "missing" | "invalid" | "used" | "expired" | { message: string };
export type AddressLinkLifetimes = Pick<LinkLifetimes, "verify" | "change-email">;

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
    explanation: "Ask for a new one below.",
  },
};

/** How long address links work, in words: one sentence when both kinds last as long. */
function lifetimesSentence(lifetimes: AddressLinkLifetimes): string {
  const confirm = durationInWords(lifetimes.verify);
  const change = durationInWords(lifetimes["change-email"]);
  if (confirm === change) return `Confirmation links work for ${confirm}.`;
  return `Links to confirm an address work for ${confirm}, links to confirm a new address for ${change}.`;
}

/**
 * Why an address link cannot confirm anything, with a way to get a new one.
 * `linkLifetimes`: how long address links work (LINK_LIFETIMES), which an expired link's page states.
 */
export function BrokenAddressLink(props: { problem: AddressLinkProblem; linkLifetimes: AddressLinkLifetimes }) {
  const { title, explanation } =
    typeof props.problem === "string" ? TEXTS[props.problem] : { title: "This link does not work", explanation: props.problem.message };
  const lifetimes = props.problem === "expired" ? `${lifetimesSentence(props.linkLifetimes)} ` : "";
  return (
    <section className="card">
      <h1>{title}</h1>
      <Alert>
        {lifetimes}
        {explanation}
      </Alert>
      <hr className="divider" />
      <p className="lead">Enter your email address and we will send you a new link.</p>
      <ResendVerification />
      <p className="footer-links">
        Already confirmed? <a href="/login">Log in</a>
      </p>
    </section>
  );
}
