import Link from "next/link";
import { rolesInWords, rolesThatMay } from "@/shared/permissions";

/** Shown with HTTP 403 when a signed-in person opens a page their role does not allow. */
export default function Forbidden() {
  return (
    <section className="card">
      <p className="eyebrow">403 · Not allowed</p>
      <h1>You do not have access to this page</h1>
      <p className="lead">
        {`The admin dashboard is for ${rolesInWords(rolesThatMay("viewUsers"))}. `}
        If you think you should have access, ask your school&apos;s administrator.
      </p>
      <Link className="button secondary" href="/account">
        Back to your account
      </Link>
    </section>
  );
}
