import type { Metadata } from "next";
import { services } from "@/server/next/page-services";
import { previewResetLink } from "@/server/services/password-reset";
import { LINK_LIFETIMES } from "@/shared/policy";
import { ResetPasswordForm } from "./reset-password-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Choose a new password", robots: { index: false, follow: false } };

/** Reads the link (changing nothing) to say whose password it sets, or why it no longer works. */
export default async function ResetPasswordPage(props: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await props.searchParams;
  if (typeof token !== "string" || !token) return <ResetPasswordForm token="" link={{ state: "invalid" }} linkLifetimes={LINK_LIFETIMES} />;
  const link = await previewResetLink(services(), token);
  return (
    <ResetPasswordForm
      token={token}
      linkLifetimes={LINK_LIFETIMES}
      link={
        link.state === "valid"
          ? { state: "valid", email: link.email, name: link.name, takeBack: link.purpose === "revert-email" }
          : { state: link.state }
      }
    />
  );
}
