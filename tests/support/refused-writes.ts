// A write the database refuses, as a locked table or an unreachable store
// would: a trigger that raises on the rows a condition picks, on SQLite and
// PostgreSQL alike. One at a time per database (the trigger has one name).
import { type Db, kindOf } from "@/server/db/client";

type Refusal = {
  table: string;
  on: "INSERT" | "DELETE";
  /** An SQL condition on NEW (or OLD for a delete) that both databases read alike; every row when absent. */
  when?: string;
  message: string;
};

/** Makes the database refuse the writes `refusal` picks; returns the undo. */
export async function refuseWrites(db: Db, { table, on, when, message }: Refusal): Promise<() => Promise<void>> {
  if (kindOf(db) === "sqlite") {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "refuse_writes" BEFORE ${on} ON "${table}" ${when ? `WHEN ${when}` : ""} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
    );
    return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER "refuse_writes"`));
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION "refuse_writes"() RETURNS trigger AS $$ BEGIN IF ${when ?? "true"} THEN RAISE EXCEPTION '${message}'; END IF; RETURN ${on === "DELETE" ? "OLD" : "NEW"}; END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(`CREATE TRIGGER "refuse_writes" BEFORE ${on} ON "${table}" FOR EACH ROW EXECUTE FUNCTION "refuse_writes"()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER "refuse_writes" ON "${table}"`);
    await db.$executeRawUnsafe(`DROP FUNCTION "refuse_writes"()`);
  };
}
