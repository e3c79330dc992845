import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { pageSession } from "@/server/next/page-session";
import { actorOf, may } from "@/shared/permissions";
import { TEACHER_TOKEN_LIMITS } from "@/shared/policy";
import { AdminDashboard } from "./admin-dashboard";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin dashboard" };

export default async function AdminPage() {
  const session = await pageSession();
  if (!session) redirect("/login?next=/admin");
  if (!may(session.user, "viewUsers")) forbidden();
  return <AdminDashboard viewer={{ ...actorOf(session.user), name: session.user.name }} tokenLimits={TEACHER_TOKEN_LIMITS} />;
}
