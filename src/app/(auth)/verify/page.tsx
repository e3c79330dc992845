import type { Metadata } from "next";
import { services } from "@/server/next/page-services";
import { pageSession } from "@/server/next/page-session";
import { previewAddressLink } from "@/server/services/registration";
import { LINK_LIFETIMES } from "@/shared/policy";
import { BrokenAddressLink } from "./broken-address-link";
import { ConfirmEmail } from "./confirm-email";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confirm your email", robots: { index: false, follow: false } };

/**
 * Shows what the link confirms and waits for the person to press the button:
 * opening the page changes nothing (mail scanners open links too), and
 * whoever was sent someone else's link sees which account it is (by its
 * address: a name is text anyone may write).
 */
export default async function VerifyPage(props: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await props.searchParams;
  if (typeof token !== "string" || !token) return <BrokenAddressLink problem="missing" linkLifetimes={LINK_LIFETIMES} />;
  const link = await previewAddressLink(services(), token);
  if (link.state !== "valid") return <BrokenAddressLink problem={link.state} linkLifetimes={LINK_LIFETIMES} />;
  const session = await pageSession();
  return (
    <ConfirmEmail
      token={token}
      purpose={link.purpose}
      email={link.email}
      currentEmail={link.currentEmail}
      signedInAs={session && session.userId !== link.userId ? session.user.name : null}
      linkLifetimes={LINK_LIFETIMES}
    />
  );
}
