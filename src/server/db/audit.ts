// The audit log's rows.
import type { Db } from "./client";
import { KEYSET_ORDER, keysetAfter } from "./keyset-cursor";
import { auditEntrySelect } from "./selects";

export type AuditRow = {
  actorId: string | null;
  actorLabel: string;
  actorEmail: string | null;
  targetId: string | null;
  targetLabel: string | null;
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
};

export async function insertAuditEntries(db: Pick<Db, "auditEntry">, rows: AuditRow[]): Promise<void> {
  await db.auditEntry.createMany({ data: rows });
}

/** A keyset page of entries newest first (one more than `take` asks tells whether more follow), optionally by or about one user. */
export async function findAuditEntries(db: Db, query: { userId?: string | null; after: Parameters<typeof keysetAfter>[0]; take: number }) {
  return db.auditEntry.findMany({
    where: {
      AND: [query.userId ? { OR: [{ targetId: query.userId }, { actorId: query.userId }] } : {}, keysetAfter(query.after)],
    },
    orderBy: KEYSET_ORDER,
    take: query.take,
    select: auditEntrySelect,
  });
}
