import { MailButton, MailGreeting, MailLayout, MailText } from "./layout";

export function PasswordChanged(props: { name: string | null; loginLink: string; forgotLink: string }) {
  return (
    <MailLayout preview="Your password was changed" heading="Your password was changed">
      <MailGreeting name={props.name} />
      <MailText>The password of your account was just reset, and every device that was logged in has been logged out.</MailText>
      <MailButton href={props.loginLink}>Log in</MailButton>
      <MailText>If this was not you, reset your password again at {props.forgotLink} and tell your school&apos;s administrator.</MailText>
    </MailLayout>
  );
}
