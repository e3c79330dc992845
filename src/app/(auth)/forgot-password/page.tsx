import type { Metadata } from "next";
import { LINK_LIFETIMES } from "@/shared/policy";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password?" };

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm linkLifetimeSeconds={LINK_LIFETIMES["reset-password"]} />;
}
