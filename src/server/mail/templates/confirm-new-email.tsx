import { MailButton, MailLayout, MailLinkFallback, MailText } from "./layout";

export function ConfirmNewEmail(props: { name: string; link: string }) {
  return (
    <MailLayout preview="Confirm your new email address" heading="Confirm your new email address">
      <MailText>Hello {props.name},</MailText>
      <MailText>
        You asked to use this address for your account. Confirm it to make the change; until then your old address
        stays in use. The link works once, for 24 hours.
      </MailText>
      <MailButton href={props.link}>Confirm new address</MailButton>
      <MailLinkFallback href={props.link} />
      <MailText>If you did not ask for this, ignore this mail: nothing changes.</MailText>
    </MailLayout>
  );
}
