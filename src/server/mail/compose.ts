// Turns a template into a mail: subject, HTML and plain text. React Email
// renders the HTML once; the text is its conversion of that HTML (what its
// plainText option does after rendering the same tree again). Only the outbox
// worker composes (services/queued-mail.ts), never a request.

import { render, toPlainText } from "@react-email/render";
import type { ReactElement } from "react";
import { createElement } from "react";
import type { SecondFactorChange } from "./mail-kinds";
import { ConfirmNewEmail } from "./templates/confirm-new-email";
import { EmailAddressInUse } from "./templates/email-address-in-use";
import { EmailChangeNotice } from "./templates/email-change-notice";
import { EmailChanged } from "./templates/email-changed";
import { PasswordChanged } from "./templates/password-changed";
import { RegistrationAttempt } from "./templates/registration-attempt";
import { ResetPassword } from "./templates/reset-password";
import { RecoveryCodeUsed, SECOND_FACTOR_CHANGE_WORDS, SecondFactorChanged, SecondFactorsReset } from "./templates/second-factor-notices";
import { VerifyEmail } from "./templates/verify-email";

export type ComposedMail = { subject: string; html: string; text: string };

async function compose(subject: string, element: ReactElement): Promise<ComposedMail> {
  const html = await render(element);
  return { subject, html, text: toPlainText(html) };
}

export function verifyEmailMail(link: string, linkLifetimeSeconds: number) {
  return compose("Confirm your email address", createElement(VerifyEmail, { link, linkLifetimeSeconds }));
}

export function registrationAttemptMail(name: string | null, loginLink: string) {
  return compose("Someone tried to register with your address", createElement(RegistrationAttempt, { name, loginLink }));
}

export function confirmNewEmailMail(link: string, linkLifetimeSeconds: number) {
  return compose("Confirm your new email address", createElement(ConfirmNewEmail, { link, linkLifetimeSeconds }));
}

export function emailAddressInUseMail(name: string | null) {
  return compose("Someone asked to use your address", createElement(EmailAddressInUse, { name }));
}

export function emailChangedMail(name: string | null, newEmail: string, revertLink: string, linkLifetimeSeconds: number) {
  return compose(
    "Your account's email address was changed",
    createElement(EmailChanged, { name, newEmail, revertLink, linkLifetimeSeconds }),
  );
}

export function emailChangedNoticeMail(name: string | null, newEmail: string) {
  return compose("Your account's email address is being changed", createElement(EmailChangeNotice, { name, newEmail }));
}

export function resetPasswordMail(name: string | null, link: string, linkLifetimeSeconds: number) {
  return compose("Choose a new password", createElement(ResetPassword, { name, link, linkLifetimeSeconds }));
}

export function passwordChangedMail(name: string | null, appUrl: string) {
  return compose(
    "Your password was changed",
    createElement(PasswordChanged, { name, loginLink: `${appUrl}/login`, forgotLink: `${appUrl}/forgot-password` }),
  );
}

export function recoveryCodeUsedMail(name: string | null, appUrl: string) {
  return compose(
    "A recovery code was used to log in",
    createElement(RecoveryCodeUsed, { name, accountLink: `${appUrl}/account`, forgotLink: `${appUrl}/forgot-password` }),
  );
}

export function secondFactorsResetMail(name: string | null, appUrl: string) {
  return compose(
    "Your two-step verification was reset",
    createElement(SecondFactorsReset, { name, accountLink: `${appUrl}/account`, forgotLink: `${appUrl}/forgot-password` }),
  );
}

export function secondFactorChangedMail(name: string | null, appUrl: string, change: SecondFactorChange, passkeyName?: string) {
  return compose(
    SECOND_FACTOR_CHANGE_WORDS[change].subject,
    createElement(SecondFactorChanged, {
      name,
      change,
      passkeyName,
      accountLink: `${appUrl}/account`,
      forgotLink: `${appUrl}/forgot-password`,
    }),
  );
}
