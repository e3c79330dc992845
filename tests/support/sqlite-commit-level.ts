// The SQLite connection's commit setting (synchronous: 1 NORMAL, 2 FULL), read
// on the driver. As a read it leaves the setting as the last write left it;
// as any other statement it first switches a relaxed connection back to FULL
// (commitAs in src/server/db/client.ts).
import { type Db, driverOf } from "@/server/db/client";

export function commitLevel(db: Db, as: "read" | "write"): Promise<number> {
  const driver = driverOf(db);
  if (driver.kind !== "sqlite") throw new Error("a SQLite connection's setting");
  return driver.run((connection) => Number(connection.pragma("synchronous", { simple: true })), as === "read" ? { read: true } : {});
}
