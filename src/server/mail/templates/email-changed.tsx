import { durationInWords } from "@/shared/duration-in-words";
import { MailButton, MailGreeting, MailLayout, MailLinkFallback, MailText } from "./layout";

export function EmailChanged(props: { name: string | null; newEmail: string; revertLink: string; linkLifetimeSeconds: number }) {
  const lifetime = durationInWords(props.linkLifetimeSeconds);
  return (
    <MailLayout preview="Your account's email address was changed" heading="Your email address was changed">
      <MailGreeting name={props.name} />
      <MailText>
        Your account's email address was changed to {props.newEmail}, and every device that was logged in has been logged out. From now on
        you log in with the new address.
      </MailText>
      <MailText>
        {"If this was not you, take your account back: this link moves it back to this address, logs everyone out, " +
          "removes every authenticator app and passkey (set yours up again afterwards) " +
          `and lets you choose a new password. It works once, for ${lifetime}.`}
      </MailText>
      <MailButton href={props.revertLink}>This was not me: take my account back</MailButton>
      <MailLinkFallback href={props.revertLink} />
    </MailLayout>
  );
}
