// Security events' rows, except the batch insert of queued events, which runs
// on the driver (security-event-statements.ts).
import type { Db } from "./client";
import { KEYSET_ORDER, type Keyset, keysetAfter } from "./keyset-cursor";
import type { SecurityEventRow } from "./security-event-statements";
import { securityEventSelect } from "./selects";

/** One event, inside the caller's transaction when given one. */
export async function insertSecurityEvent(db: Pick<Db, "securityEvent">, row: SecurityEventRow): Promise<void> {
  await db.securityEvent.create({ data: row });
}

/** A keyset page of a user's events, newest first (selects.ts: securityEventSelect). */
export async function findSecurityEventsOfUser(db: Db, userId: string, after: Keyset | null, take: number) {
  return db.securityEvent.findMany({
    where: { AND: [{ userId }, keysetAfter(after)] },
    orderBy: KEYSET_ORDER,
    take,
    select: securityEventSelect,
  });
}

/** Up to `take` ids of events created before `before`. */
export async function findSecurityEventIdsBefore(db: Db, before: Date, take: number): Promise<string[]> {
  const old = await db.securityEvent.findMany({ where: { createdAt: { lt: before } }, select: { id: true }, take });
  return old.map((row) => row.id);
}

export async function deleteSecurityEventsByIds(db: Db, ids: string[]): Promise<number> {
  const { count } = await db.securityEvent.deleteMany({ where: { id: { in: ids } } });
  return count;
}
