import type { SecondFactorChange } from "../mail-kinds";
import { MailButton, MailGreeting, MailLayout, MailText } from "./layout";

type Props = { name: string | null; accountLink: string; forgotLink: string };

export function RecoveryCodeUsed(props: Props) {
  return (
    <MailLayout preview="A recovery code was used to log in" heading="A recovery code was used">
      <MailGreeting name={props.name} />
      <MailText>
        Someone just logged in to your account with your password and one of your recovery codes. Each code works once; make new ones on
        your account page when few are left.
      </MailText>
      <MailButton href={props.accountLink}>Open your account</MailButton>
      <MailText>
        If this was not you, reset your password at {props.forgotLink}, make new recovery codes, and tell your school&apos;s administrator.
      </MailText>
    </MailLayout>
  );
}

export function SecondFactorsReset(props: Props) {
  return (
    <MailLayout preview="Your two-step verification was reset" heading="Your two-step verification was reset">
      <MailGreeting name={props.name} />
      <MailText>
        An administrator removed your authenticator app, recovery codes and passkeys. You now log in with your password alone; set up
        two-step verification again on your account page.
      </MailText>
      <MailButton href={props.accountLink}>Set it up again</MailButton>
      <MailText>If you did not ask for this, reset your password at {props.forgotLink} and tell your school&apos;s administrator.</MailText>
    </MailLayout>
  );
}

/** The subject and first sentence of each change. */
export const SECOND_FACTOR_CHANGE_WORDS: Record<SecondFactorChange, { subject: string; what: (passkeyName?: string) => string }> = {
  "app-added": { subject: "Two-step verification was turned on", what: () => "An authenticator app was set up for your account." },
  "app-removed": { subject: "Two-step verification was turned off", what: () => "The authenticator app of your account was turned off." },
  "passkey-added": {
    subject: "A passkey was added to your account",
    what: (name) => `A passkey${name ? ` named “${name}”` : ""} was added to your account. It logs in without your address or password.`,
  },
  "passkey-removed": { subject: "A passkey was removed from your account", what: () => "A passkey of your account was removed." },
};

export function SecondFactorChanged(props: Props & { change: SecondFactorChange; passkeyName?: string }) {
  const words = SECOND_FACTOR_CHANGE_WORDS[props.change];
  return (
    <MailLayout preview={words.subject} heading={words.subject}>
      <MailGreeting name={props.name} />
      <MailText>{words.what(props.passkeyName)}</MailText>
      <MailButton href={props.accountLink}>Review your account</MailButton>
      <MailText>
        If this was not you, someone else can use your account: reset your password at {props.forgotLink}, remove any passkey or app you do
        not know on your account page, and tell your school&apos;s administrator. If logging in then asks for a passkey or a code you do not
        have, your administrator can reset your two-step verification.
      </MailText>
    </MailLayout>
  );
}
