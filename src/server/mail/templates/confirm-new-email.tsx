import { durationInWords } from "@/shared/duration-in-words";
import { MailButton, MailLayout, MailLinkFallback, MailText } from "./layout";

// Sent to an address nobody has confirmed yet: it names no one and carries no
// text the requester chose (their name), so it cannot carry someone's message
// to an outside address.
export function ConfirmNewEmail(props: { link: string; linkLifetimeSeconds: number }) {
  const lifetime = durationInWords(props.linkLifetimeSeconds);
  return (
    <MailLayout preview="Confirm your new email address" heading="Confirm your new email address">
      <MailText>Hello,</MailText>
      <MailText>
        {"Someone asked to use this address for their account. If that was you, confirm it to make the change; " +
          `until then the account's old address stays in use. The link works once, for ${lifetime}.`}
      </MailText>
      <MailButton href={props.link}>Confirm new address</MailButton>
      <MailLinkFallback href={props.link} />
      <MailText>If you did not ask for this, ignore this mail: nothing changes.</MailText>
    </MailLayout>
  );
}
