import { durationInWords } from "@/shared/duration-in-words";
import { MailButton, MailLayout, MailLinkFallback, MailText } from "./layout";

// No name: whoever registered typed it, and this goes to an address nobody
// has confirmed, so it would let anyone put words of their own ("Urgent: go
// to …") in a mail from the school to any address.
export function VerifyEmail(props: { link: string; linkLifetimeSeconds: number }) {
  const lifetime = durationInWords(props.linkLifetimeSeconds);
  return (
    <MailLayout preview="Confirm your email address" heading="Confirm your email address">
      <MailText>Hello,</MailText>
      <MailText>{`Confirm that this is your address to finish creating your account. The link works once, for ${lifetime}.`}</MailText>
      <MailButton href={props.link}>Confirm email address</MailButton>
      <MailLinkFallback href={props.link} />
      <MailText>If you did not create an account, ignore this mail.</MailText>
    </MailLayout>
  );
}
