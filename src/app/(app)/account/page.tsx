import type { Metadata } from "next";
import { services } from "@/server/next/page-services";
import { AccountView } from "./account-view";

// Rendered per request: the session lifetime it states is the running server's SESSION_TTL_SECONDS.
export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account" };

export default function AccountPage() {
  return <AccountView sessionTtlSeconds={services().config.SESSION_TTL_SECONDS} />;
}
