import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { pageSession } from "@/server/auth/page-session";
import { may } from "@/shared/permissions";
import { AdminDashboard } from "./admin-dashboard";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin dashboard" };

export default async function AdminPage() {
  const session = await pageSession();
  if (!session) redirect("/login?next=/admin");
  if (!may(session.user, "viewUsers")) forbidden();
  const { id, name, teacher, admin, privilegedStudent } = session.user;
  return <AdminDashboard viewer={{ id, name, teacher, admin, privilegedStudent }} />;
}
