import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { services } from "@/server/next/page-services";
import { pageSession } from "@/server/next/page-session";
import { actorOf, may } from "@/shared/permissions";
import { TEACHER_TOKEN_LIMITS } from "@/shared/policy";
import { secondFactorRequiredFor } from "@/shared/second-factor-policy";
import { AdminDashboard } from "./admin-dashboard";
import { SecondFactorNeeded } from "./second-factor-needed";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin dashboard" };

export default async function AdminPage() {
  const session = await pageSession();
  if (!session) redirect("/login?next=/admin");
  if (!may(session.user, "viewUsers")) forbidden();
  // Every admin.* call would answer SECOND_FACTOR_REQUIRED: say what to do instead of a dashboard of errors.
  if (session.aal !== "aal2" && secondFactorRequiredFor(session.user, services().config.MFA_REQUIRED_FOR)) {
    return <SecondFactorNeeded name={session.user.name} />;
  }
  return <AdminDashboard viewer={{ ...actorOf(session.user), name: session.user.name }} tokenLimits={TEACHER_TOKEN_LIMITS} />;
}
