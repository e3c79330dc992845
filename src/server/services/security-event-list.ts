// admin.securityEvents: a user's recent security events, newest first, for
// the dashboard's user panel (whoever may read the audit log: admins).
import type { z } from "zod";
import { may } from "@/shared/permissions";
import type { SecurityEventView, securityEventsInput } from "@/shared/schemas/admin";
import type { SecurityEventDetails } from "@/shared/security-events";
import { decodeCursor, encodeCursor } from "../db/keyset-cursor";
import { findSecurityEventsOfUser } from "../db/security-events";
import type { UserFlagsRow } from "../db/selects";
import { notPermitted } from "./access-errors";
import { describeDevice } from "./own-sessions";
import type { Services } from "./service-container";

export type SecurityEventsRequest = z.output<typeof securityEventsInput>;

function detailsOf(json: string | null): SecurityEventDetails {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as SecurityEventDetails) : {};
  } catch {
    return {};
  }
}

/** One keyset page of the user's events (an unknown user has none). */
export async function listSecurityEvents(s: Services, caller: UserFlagsRow, input: SecurityEventsRequest) {
  if (!may(caller, "viewSecurityEvents")) throw notPermitted("see security events");
  const rows = await findSecurityEventsOfUser(s.db, input.userId, decodeCursor(input.cursor), input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(
      (r): SecurityEventView => ({
        id: r.id,
        type: r.type,
        createdAt: r.createdAt.toISOString(),
        ip: r.ip,
        device: r.userAgent ? describeDevice(r.userAgent) : null,
        email: r.email,
        actor: r.actor ? { id: r.actor.id, name: r.actor.name, email: r.actor.login?.email ?? null } : null,
        details: detailsOf(r.details),
      }),
    ),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last) : null,
  };
}
