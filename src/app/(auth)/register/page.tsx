import type { Metadata } from "next";
import { LINK_LIFETIMES } from "@/shared/policy";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Create account" };

export default function RegisterPage() {
  return <RegisterForm linkLifetimeSeconds={LINK_LIFETIMES.verify} />;
}
