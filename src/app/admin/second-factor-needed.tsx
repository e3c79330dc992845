"use client";
// The dashboard in place of its tabs when the viewer's role needs two-step
// verification (MFA_REQUIRED_FOR) and this session was reached with one step.
import Link from "next/link";
import { api } from "@/trpc/react";

export function SecondFactorNeeded(props: { name: string }) {
  const factors = api.user.secondFactors.useQuery();
  // Set up already, but this session was reached with the password alone (or before setting it up elsewhere).
  const enrolled = !!factors.data && (factors.data.totp.enabled || factors.data.passkeys.length > 0);
  return (
    <section className="card" aria-labelledby="second-factor-needed-heading">
      <h1 id="second-factor-needed-heading">Set up two-step verification first</h1>
      <p className="lead">
        {props.name}, the admin dashboard lets you act on other people’s accounts, so it needs two-step verification: a code from an
        authenticator app (or a passkey) as well as your password.
      </p>
      {enrolled ? (
        <p>You logged in with your password only. Log out and log in again with your code or passkey, then come back to this page.</p>
      ) : (
        <p>Set it up on your account page; it takes a minute. You can then use the dashboard at once.</p>
      )}
      <div className="actions">
        <Link className="button" href="/account">
          {enrolled ? "Go to your account" : "Set up two-step verification"}
        </Link>
      </div>
    </section>
  );
}
