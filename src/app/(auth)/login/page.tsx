import type { Metadata } from "next";
import { config } from "@/env";
import { sameSiteRedirectTarget } from "@/shared/redirect-target";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Log in" };

export default async function LoginPage(props: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await props.searchParams;
  // Only a path on this site is followed after log-in (no open redirect).
  return <LoginForm next={sameSiteRedirectTarget(next, config().APP_URL)} />;
}
