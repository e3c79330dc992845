import { MailGreeting, MailLayout, MailText } from "./layout";

// Sent instead of a confirmation link when the address someone asked to move
// their account to already has an account: the requester sees the same
// answer either way, so the change request is no oracle.
export function EmailAddressInUse(props: { name: string | null }) {
  return (
    <MailLayout preview="Someone asked to use your address" heading="Someone asked to use your address">
      <MailGreeting name={props.name} />
      <MailText>
        Someone asked to change their account's email address to this one. This address already belongs to your account, so nothing was
        changed and you do not need to do anything.
      </MailText>
    </MailLayout>
  );
}
