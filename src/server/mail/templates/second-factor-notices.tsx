import { MailButton, MailLayout, MailText } from "./layout";

type Props = { name: string; accountLink: string; forgotLink: string };

export function RecoveryCodeUsed(props: Props) {
  return (
    <MailLayout preview="A recovery code was used to log in" heading="A recovery code was used">
      <MailText>Hello {props.name},</MailText>
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
      <MailText>Hello {props.name},</MailText>
      <MailText>
        An administrator removed your authenticator app, recovery codes and passkeys. You now log in with your password alone; set up
        two-step verification again on your account page.
      </MailText>
      <MailButton href={props.accountLink}>Set it up again</MailButton>
      <MailText>If you did not ask for this, reset your password at {props.forgotLink} and tell your school&apos;s administrator.</MailText>
    </MailLayout>
  );
}
