// The admin directory's pages and searches on SQLite, read on a thread of
// their own. better-sqlite3 is synchronous: on the server's connection a
// page or search of a million users held the event loop for its whole
// statement (0.3-1.2 ms here), and an admin paging without pause kept every
// other request (session validation included) waiting behind it. The thread
// has its own read-only connection to the same file; in WAL mode a reader
// never waits for the writer nor holds it up, and each read sees every
// transaction committed before it began, so an admin's change shows in the
// next page read. The thread starts with the first read (a server that only
// validates sessions never pays its memory) and stops with the client. It
// runs at a lower CPU priority than the event loop (READER_THREAD_NICE).
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { logger } from "../logger";

export const READER_THREAD_NAME = "sqlite-reader";
/** How much nicer the thread is than the process's event loop (a higher nice value yields the CPU sooner; 19 at most). */
export const READER_THREAD_NICE = 10;
/** Statements kept prepared: the page statements' texts vary with a page's conditions, within a few hundred. */
const STATEMENTS_KEPT = 500;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
try { require("node:fs").writeFileSync("/proc/thread-self/comm", "${READER_THREAD_NAME}"); } catch {}
// Behind the event loop for the CPU: when both want a core, Linux gives this
// thread about a tenth of the event loop's share, so an admin paging without
// pause slows its own pages before it slows anyone's session check.
try {
  const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  const os = require("node:os");
  os.setPriority(tid, Math.min(19, os.getPriority() + ${READER_THREAD_NICE}));
} catch {}
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: 5000 });
db.pragma("cache_size = -32000");
// Integers as the server's connection returns them (Prisma's adapter reads BigInts).
db.defaultSafeIntegers(true);
const statements = new Map();
parentPort.on("message", ({ id, sql, values }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= ${STATEMENTS_KEPT}) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

/** The thread stopped or could not start: the read is to be made on the server's own connection. */
export class ReaderStopped extends Error {
  constructor() {
    super("the SQLite reader thread is not running");
  }
}

type Reply = { id: number; rows?: unknown[]; error?: { message: string; code?: string } };
type Pending = { resolve: (rows: unknown[]) => void; reject: (error: Error) => void };

export class ReaderThread {
  private worker: Worker | null = null;
  private stopped = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly file: string,
    /** Opens the server's own connection, which makes the file (and sets WAL) before this one opens it. */
    private readonly serverConnection: () => Promise<void>,
  ) {}

  /**
   * The rows of one read-only statement ("?" placeholders). Rejects with
   * ReaderStopped when the thread is not running (it failed, or the client
   * closed); a statement's own error comes back as the driver's would.
   */
  async all<Row>(sql: string, values: unknown[]): Promise<Row[]> {
    if (!this.worker && !this.stopped) await this.serverConnection();
    const worker = this.started();
    if (!worker) throw new ReaderStopped();
    const id = this.nextId++;
    return new Promise<Row[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      // Referenced only while a read is under way: an idle thread never keeps a process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, sql, values });
    });
  }

  /** Ends the thread; reads under way reject with ReaderStopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = null;
    this.failPending();
    if (worker) await worker.terminate();
  }

  private started(): Worker | null {
    if (this.worker || this.stopped) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(`${process.cwd()}/package.json`).resolve("better-sqlite3"), file: this.file },
    });
    worker.unref();
    worker.on("message", (reply: Reply) => this.settle(reply));
    // A thread that fails is not started again: reads go to the server's connection.
    worker.once("error", (error) => {
      logger.warn({ err: error }, "the SQLite reader thread failed: the admin directory reads on the server's connection");
      this.stopped = true;
      this.worker = null;
      this.failPending();
    });
    worker.once("exit", () => {
      if (this.worker !== worker) return;
      this.stopped = true;
      this.worker = null;
      this.failPending();
    });
    this.worker = worker;
    return worker;
  }

  private settle({ id, rows, error }: Reply) {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    if (error) pending.reject(Object.assign(new Error(error.message), { name: "SqliteError", code: error.code }));
    else pending.resolve(rows ?? []);
  }

  private failPending() {
    for (const { reject } of this.pending.values()) reject(new ReaderStopped());
    this.pending.clear();
  }
}
