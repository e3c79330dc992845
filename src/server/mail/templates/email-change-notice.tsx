import { MailGreeting, MailLayout, MailText } from "./layout";

export function EmailChangeNotice(props: { name: string | null; newEmail: string }) {
  return (
    <MailLayout preview="Your account's email address is being changed" heading="Your email address is being changed">
      <MailGreeting name={props.name} />
      <MailText>
        Someone signed in to your account asked to change its email address to {props.newEmail}. The change takes effect once that address
        is confirmed.
      </MailText>
      <MailText>If this was not you, log in and change your password now, then contact your school's administrator.</MailText>
    </MailLayout>
  );
}
