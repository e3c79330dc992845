// Turns a template into a mail for the outbox: subject, HTML and plain text,
// both rendered by React Email.
import type { ReactElement } from "react";
import { createElement } from "react";
import { render } from "@react-email/render";
import { VerifyEmail } from "./templates/verify-email";
import { RegistrationAttempt } from "./templates/registration-attempt";

export type OutgoingMail = { kind: string; to: string; subject: string; html: string; text: string };

async function compose(kind: string, to: string, subject: string, element: ReactElement): Promise<OutgoingMail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { kind, to, subject, html, text };
}

export function verifyEmailMail(to: string, name: string, link: string) {
  return compose("verify-email", to, "Confirm your email address", createElement(VerifyEmail, { name, link }));
}

export function registrationAttemptMail(to: string, name: string, loginLink: string) {
  return compose(
    "registration-attempt",
    to,
    "Someone tried to register with your address",
    createElement(RegistrationAttempt, { name, loginLink }),
  );
}
