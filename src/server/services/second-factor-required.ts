// SECOND_FACTOR_REQUIRED, for these cases: a session of one factor where two
// are needed (the MFA_REQUIRED_FOR policy, an admin's reset, another factor
// added to an account that has one: another-factor.ts); a right
// password whose account has a second factor, answered by an API whose
// second step is elsewhere (seed 000: the ticket comes along); and the same
// on an API without any second step (seed 002).
import { AppError } from "../app-error";
import type { SecondFactorDue } from "./second-factor-ticket";

export function secondFactorRequired(cause: "policy" | "no-second-step" | "another-factor" | SecondFactorDue): AppError {
  if (cause === "another-factor") {
    return new AppError(
      "SECOND_FACTOR_REQUIRED",
      "This account already has two-step verification: log in with it, or give a code from your authenticator app, to add another way.",
    );
  }
  if (cause === "policy") {
    return new AppError(
      "SECOND_FACTOR_REQUIRED",
      "Set up two-step verification on your account page (or log in with it): acting on other people's accounts needs it.",
    );
  }
  if (cause === "no-second-step") {
    return new AppError(
      "SECOND_FACTOR_REQUIRED",
      "This account has two-step verification, which this API cannot finish: log in through the web pages, the tRPC API or /api/user.",
    );
  }
  return new AppError("SECOND_FACTOR_REQUIRED", "This account has two-step verification: finish the log-in with a code.", {
    ticket: cause.ticket,
    methods: cause.methods,
    ticketExpiresAt: cause.expiresAt.toISOString(),
  });
}
