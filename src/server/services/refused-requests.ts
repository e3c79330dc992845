// Refused authorizations as security events. Noted where every API surface
// turns a failure into an answer (tRPC's procedures, the seeds' routes), so
// that no permission check, present or future, can forget to.

import type { AppCode } from "@/shared/app-codes";
import { AppError } from "../app-error";
import { hashToken } from "../auth/secret-token";
import { findSessionOwnerByTokenHash } from "../db/sessions";
import type { RequestMeta } from "../request-meta";
import type { Services } from "./service-container";

/** The refusals of an authorization: the role, the target or the request's origin does not allow it. */
const REFUSED_AUTHORIZATION: ReadonlySet<AppCode> = new Set<AppCode>([
  "NOT_PERMITTED",
  "SELF_DELETE",
  "SELF_REPORT_SPAMMER",
  "CROSS_SITE_REQUEST",
]);

export type RefusedRequest = {
  /** The procedure or route, e.g. "admin.listUsers" or "POST /user/flags". */
  procedure: string;
  meta: RequestMeta;
  /** The caller, when the session was already checked. */
  userId?: string | null;
  /** Otherwise the session token presented, to find whose browser sent it (a cross-site request). */
  sessionToken?: string | null;
};

/** The user a live session token belongs to, read only. */
async function sessionOwner(s: Services, token: string): Promise<string | null> {
  const session = await findSessionOwnerByTokenHash(s.db, hashToken(token));
  return session && session.expiresAt.getTime() > Date.now() ? session.userId : null;
}

/** Notes an "authorization.refused" event when `error` is such a refusal. Never throws. */
export async function noteRefusal(s: Services, error: unknown, request: RefusedRequest): Promise<void> {
  if (!(error instanceof AppError) || !REFUSED_AUTHORIZATION.has(error.appCode)) return;
  let userId = request.userId ?? null;
  if (!userId && request.sessionToken) userId = await sessionOwner(s, request.sessionToken).catch(() => null);
  s.securityEvents.note({
    type: "authorization.refused",
    userId,
    client: request.meta,
    details: { code: error.appCode, procedure: request.procedure },
  });
}
