// A user's own sessions: where they are logged in, and logging out of them.

import Bowser from "bowser";
import type { SESSION_METHODS } from "@/shared/schemas/second-factor";
import { AppError } from "../app-error";
import { deleteSessionOfUser, deleteSessionsOfUser, findLiveSessionsOfUser } from "../db/sessions";
import type { RequestMeta } from "../request-meta";
import { type Reauthentication, reauthenticate } from "./reauthentication";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

/** A readable device from a user agent, e.g. "Firefox on Windows (desktop)". */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name;
  const os = parsed.os.name;
  const kind = parsed.platform.type;
  if (!browser && !os) return userAgent.slice(0, 60);
  return `${browser || "Unknown browser"}${os ? ` on ${os}` : ""}${kind ? ` (${kind})` : ""}`;
}

export async function listOwnSessions(s: Services, current: ValidSession) {
  const rows = await findLiveSessionsOfUser(s.db, current.userId, new Date());
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    ip: r.ip,
    device: describeDevice(r.userAgent),
    current: r.id === current.id,
    aal: r.aal === "aal2" ? ("aal2" as const) : ("aal1" as const),
    method: r.method as (typeof SESSION_METHODS)[number],
  }));
}

const sessionNotFound = () => new AppError("SESSION_NOT_FOUND", "You have no session with this id.");

// Ending another session asks for the proof a sensitive change asks for, so a
// stolen cookie whose proof is stale cannot log its owner out everywhere else.
// Ending this session (logging out) never does.

/** Ends one of the caller's own sessions; another user's id is not found. */
export async function revokeOwnSession(
  s: Services,
  current: ValidSession,
  id: string,
  proof: Reauthentication,
  meta: RequestMeta,
): Promise<{ ok: true }> {
  if (id !== current.id) await reauthenticate(s, current, proof, meta);
  const count = await deleteSessionOfUser(s.db, current.userId, id);
  if (count === 0) throw sessionNotFound();
  s.securityEvents.note({ type: "session.revoked", userId: current.userId, client: meta, details: { scope: "one", sessionId: id, count } });
  return { ok: true };
}

/** Ends every session of the caller but this one. */
export async function revokeOtherSessions(
  s: Services,
  current: ValidSession,
  proof: Reauthentication,
  meta: RequestMeta,
): Promise<{ revoked: number }> {
  await reauthenticate(s, current, proof, meta);
  const count = await deleteSessionsOfUser(s.db, current.userId, current.id);
  // Only when something ended: pressing the button again and again writes nothing.
  if (count) s.securityEvents.note({ type: "session.revoked", userId: current.userId, client: meta, details: { scope: "others", count } });
  return { revoked: count };
}
