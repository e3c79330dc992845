import { MailButton, MailGreeting, MailLayout, MailLinkFallback, MailText } from "./layout";

export function RegistrationAttempt(props: { name: string | null; loginLink: string }) {
  return (
    <MailLayout preview="Someone tried to register with your address" heading="You already have an account">
      <MailGreeting name={props.name} />
      <MailText>
        Someone, perhaps you, tried to create a new account with this email address. Your address already has an account, so no second one
        was created and nothing was changed.
      </MailText>
      <MailButton href={props.loginLink}>Log in</MailButton>
      <MailLinkFallback href={props.loginLink} />
      <MailText>If this was not you, you can ignore this mail: your account is safe.</MailText>
    </MailLayout>
  );
}
