// SQLite in WAL mode copies the log back into the database file (a
// checkpoint) once the log passes 1,000 pages, and by default the connection
// that commits does it, synchronously, with an fsync: 12-25 ms of the event
// loop every few hundred writes, during which no request is read (measured
// while a million expired sessions were pruned: validation's p99 rose 1.6x).
// The server's connection leaves that to a thread of its own, which
// checkpoints every second on its own connection. PASSIVE: it never waits
// for, nor blocks, the writer or the readers; what it cannot copy yet it
// copies on the next round.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { logger } from "../logger";
import { type Db, driverOf, sqlitePath } from "./client";

const CHECKPOINT_THREAD_NAME = "wal-checkpoint";
const INTERVAL_MS = 1000;
/** How long stopping waits for the last checkpoint. */
const STOP_WAIT_MS = 5000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
try { require("node:fs").writeFileSync("/proc/thread-self/comm", "${CHECKPOINT_THREAD_NAME}"); } catch {}
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
db.pragma("synchronous = FULL");
const checkpoint = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {}
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage("stopped");
});
`;

/**
 * Moves the SQLite connection's checkpoints to a thread that checkpoints
 * every second. Returns a function that stops it after a last checkpoint and
 * gives the checkpoints back to the connection. Nothing to do on PostgreSQL.
 */
export async function startWalCheckpoints(db: Db, databaseUrl: string): Promise<() => Promise<void>> {
  const driver = driverOf(db);
  if (driver.kind !== "sqlite") return async () => {};
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(`${process.cwd()}/package.json`).resolve("better-sqlite3"),
      file: sqlitePath(databaseUrl),
      intervalMs: INTERVAL_MS,
    },
  });
  worker.unref();
  const giveBack = () => driver.run((connection) => connection.pragma("wal_autocheckpoint = 1000")).catch(() => {});
  // A thread that cannot start (or fails) leaves the checkpoints to the connection again, and says so.
  const failed = (error: Error) => {
    logger.warn({ err: error }, "the checkpoint thread failed: SQLite checkpoints on commit again");
    void giveBack();
  };
  worker.once("error", failed);
  await driver.run((connection) => connection.pragma("wal_autocheckpoint = 0"));
  return async () => {
    worker.off("error", failed);
    const stopped = new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.once("exit", () => resolve());
      setTimeout(resolve, STOP_WAIT_MS).unref();
    });
    worker.postMessage("stop");
    await stopped;
    await worker.terminate();
    await giveBack();
  };
}
