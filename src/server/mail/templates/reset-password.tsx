import { durationInWords } from "@/shared/duration-in-words";
import { MailButton, MailGreeting, MailLayout, MailLinkFallback, MailText } from "./layout";

export function ResetPassword(props: { name: string | null; link: string; linkLifetimeSeconds: number }) {
  const lifetime = durationInWords(props.linkLifetimeSeconds);
  return (
    <MailLayout preview="Choose a new password" heading="Choose a new password">
      <MailGreeting name={props.name} />
      <MailText>
        {`Someone, hopefully you, asked to reset the password of your account. The link works for ${lifetime}; ` +
          "once a new password is set with it, every reset link sent to you stops working."}
      </MailText>
      <MailButton href={props.link}>Choose a new password</MailButton>
      <MailLinkFallback href={props.link} />
      <MailText>If you did not ask for this, ignore this mail: your password stays as it is.</MailText>
    </MailLayout>
  );
}
