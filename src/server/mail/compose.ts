// Turns a template into a mail for the outbox: subject, HTML and plain text.
// React Email renders the HTML once; the text is its conversion of that HTML
// (what its plainText option does after rendering the same tree again).
import type { ReactElement } from "react";
import { createElement } from "react";
import { render, toPlainText } from "@react-email/render";
import { VerifyEmail } from "./templates/verify-email";
import { RegistrationAttempt } from "./templates/registration-attempt";
import { ConfirmNewEmail } from "./templates/confirm-new-email";
import { EmailChangeNotice } from "./templates/email-change-notice";
import { ResetPassword } from "./templates/reset-password";
import { PasswordChanged } from "./templates/password-changed";

export type OutgoingMail = { kind: string; to: string; subject: string; html: string; text: string };

async function compose(kind: string, to: string, subject: string, element: ReactElement): Promise<OutgoingMail> {
  const html = await render(element);
  return { kind, to, subject, html, text: toPlainText(html) };
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

export function confirmNewEmailMail(to: string, name: string, link: string) {
  return compose("confirm-new-email", to, "Confirm your new email address", createElement(ConfirmNewEmail, { name, link }));
}

export function emailChangedNoticeMail(to: string, name: string, newEmail: string) {
  return compose(
    "email-change-notice",
    to,
    "Your account's email address is being changed",
    createElement(EmailChangeNotice, { name, newEmail }),
  );
}

export function resetPasswordMail(to: string, name: string, link: string) {
  return compose("reset-password", to, "Choose a new password", createElement(ResetPassword, { name, link }));
}

export function passwordChangedMail(to: string, name: string, appUrl: string) {
  return compose(
    "password-changed",
    to,
    "Your password was changed",
    createElement(PasswordChanged, { name, loginLink: `${appUrl}/login`, forgotLink: `${appUrl}/forgot-password` }),
  );
}
