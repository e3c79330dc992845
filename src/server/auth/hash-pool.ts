// Password hashing runs on worker threads of its own: one per core, each
// handed at most two jobs at a time (one running, one waiting in its port).
// So a core that finishes a hash starts the next at once without waiting for
// the event loop, no more hashes run at once than there are cores (measured on
// 2 cores: three at once on libuv's pool slowed each other through the caches,
// and log-in storms were about 9% slower), and libuv's own pool stays free for
// file and DNS work whatever its size.
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";
import type { Options } from "@node-rs/argon2";
import { HASH_QUEUE_PER_CORE } from "@/shared/policy";

export type HashJob = { op: "hash"; password: string; options: Options } | { op: "verify"; hash: string; password: string };

// CommonJS run by each worker: the synchronous argon2 calls are the point of
// the thread. A throw (a malformed stored hash) goes back as a message.
// On Linux the thread names itself, so \`top -H\` and the benchmark's CPU
// accounting can tell hashing from the rest of the server.
export const HASH_THREAD_NAME = "argon2-hash";
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
try { require("node:fs").writeFileSync("/proc/thread-self/comm", "${HASH_THREAD_NAME}"); } catch {}
const argon2 = require(workerData.argon2);
parentPort.on("message", (job) => {
  let reply;
  try {
    const value = job.op === "hash" ? argon2.hashSync(job.password, job.options) : argon2.verifySync(job.hash, job.password);
    reply = { id: job.id, value };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(reply);
});
`;

/** argon2 refused the job itself (a malformed stored hash), as opposed to the thread failing. */
export class HashJobError extends Error {}

/** The queue is full: the job was refused at once, without waiting. */
export class HashPoolFullError extends Error {}

type Task = { job: HashJob; client: string; resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * Who a job is for: its client (address), whether it asks to go ahead of the
 * rest (a browser known to the account), and whose place ahead that is (the
 * account: `priorityKey`, the client when absent).
 */
export type JobOwner = { client?: string; priority?: boolean; priorityKey?: string };

/**
 * How often one account's jobs may go ahead of the queue. A person logs in
 * once and maybe retries a typo; an account's browsers sending right
 * passwords without pause (each gives its budget points back) once took every
 * hash and held up everybody else's log-in for seconds. Past this, its jobs
 * wait their turn among the clients like anyone's.
 */
const PRIORITY_SPACING_MS = 10_000;
type Thread = { worker: Worker; jobs: Map<number, Task> };
type Reply = { id: number; value?: unknown; error?: string };

export class HashPool {
  private readonly threads: Thread[] = [];
  /**
   * Jobs waiting for a thread, by client (its address): threads take them
   * round-robin across clients, so one client's flood delays another's
   * log-in by at most one hash per client waiting, not by the whole flood.
   */
  private readonly queues = new Map<string, Task[]>();
  /** Jobs that go before every client's queue (attempts from a browser known to the account). */
  private readonly priority: Task[] = [];
  private waitingJobs = 0;
  private nextId = 0;
  /** The most jobs one thread has held at once (read by the tests). */
  peakJobsPerThread = 0;
  /** When each account last went ahead (priorityKey → ms). */
  private readonly wentAhead = new Map<string, number>();
  prioritySpacingMs = PRIORITY_SPACING_MS;

  constructor(
    readonly size = os.availableParallelism(),
    readonly jobsPerThread = 2,
    /** The argon2 package the threads load (another only in tests of a thread that cannot start). */
    private readonly argon2Module?: string,
    /**
     * Jobs that may wait beyond those the threads hold. Past it a job is
     * refused at once (HashPoolFullError): one flood of requests must not
     * queue hundreds of hashes in front of everybody else's log-in. Eight
     * per core (HASH_QUEUE_PER_CORE): a class of 16 logging in at once on 2
     * cores is served without refusals, and the last waits about 100 ms
     * (13 ms a hash).
     */
    readonly maxWaiting = HASH_QUEUE_PER_CORE * size,
  ) {}

  run<T>(job: HashJob, owner: JobOwner = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task = { job, client: owner.client ?? "", resolve: resolve as (value: unknown) => void, reject };
      const priority = owner.priority === true && this.mayGoAhead(owner.priorityKey ?? task.client);
      if (this.admit(task, priority)) this.dispatch();
    });
  }

  /** Whether the account may go ahead now (at most once per prioritySpacingMs); if so, notes that it did. */
  private mayGoAhead(key: string): boolean {
    const now = performance.now();
    const last = this.wentAhead.get(key);
    if (last !== undefined && now - last < this.prioritySpacingMs) return false;
    if (this.wentAhead.size >= 10_000) {
      for (const [k, at] of this.wentAhead) if (now - at >= this.prioritySpacingMs) this.wentAhead.delete(k);
    }
    this.wentAhead.set(key, now);
    return true;
  }

  /** Jobs waiting for a thread (not yet handed to one). */
  get waiting(): number {
    return this.waitingJobs;
  }

  /**
   * Queues a job. When the queue is full, the client with the most jobs
   * waiting gives up its newest one (refused, HashPoolFullError) if that
   * leaves it still holding more than this client, or whatever this job's
   * size if this job has priority; otherwise this job is refused. A job a
   * free thread can take at once is never refused.
   */
  private admit(task: Task, priority: boolean): boolean {
    const full = () => new HashPoolFullError(`${this.maxWaiting} password hashes are already waiting`);
    if (this.waitingJobs >= this.maxWaiting && !this.hasRoom()) {
      let heaviest: Task[] | undefined;
      // Among equals, the last in turn order: the client that queued most recently.
      for (const tasks of this.queues.values()) if (!heaviest || tasks.length >= heaviest.length) heaviest = tasks;
      const own = this.queues.get(task.client)?.length ?? 0;
      if (!heaviest?.length || (!priority && heaviest.length <= own + 1)) {
        task.reject(full());
        return false;
      }
      const evicted = heaviest.pop()!;
      this.waitingJobs--;
      evicted.reject(full());
    }
    const tasks = priority ? this.priority : this.queues.get(task.client);
    if (tasks) tasks.push(task);
    else this.queues.set(task.client, [task]);
    this.waitingJobs++;
    return true;
  }

  /** The next job: priority first, then round-robin across clients (a client served goes to the back). */
  private nextTask(): Task | undefined {
    const urgent = this.priority.shift();
    if (urgent) {
      this.waitingJobs--;
      return urgent;
    }
    for (const [client, tasks] of this.queues) {
      const task = tasks.shift();
      this.queues.delete(client);
      if (!task) continue;
      if (tasks.length) this.queues.set(client, tasks);
      this.waitingJobs--;
      return task;
    }
    return undefined;
  }

  private hasRoom(): boolean {
    return this.threads.length < this.size || this.threads.some((t) => t.jobs.size < this.jobsPerThread);
  }

  /** Threads started so far (they start on first need, up to `size`). */
  get threadCount(): number {
    return this.threads.length;
  }

  /** Stops every thread: their jobs fail, and a later job starts new threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private dispatch() {
    while (this.waitingJobs > 0) {
      const thread = this.pickThread();
      if (!thread) return;
      const task = this.nextTask()!;
      const id = ++this.nextId;
      if (thread.jobs.size === 0) thread.worker.ref(); // pending work keeps the process alive
      thread.jobs.set(id, task);
      this.peakJobsPerThread = Math.max(this.peakJobsPerThread, thread.jobs.size);
      thread.worker.postMessage({ id, ...task.job });
    }
  }

  /** An idle thread, else a new one while below `size`, else the least busy with room. */
  private pickThread(): Thread | undefined {
    let best: Thread | undefined;
    for (const thread of this.threads) {
      if (thread.jobs.size >= this.jobsPerThread) continue;
      if (!best || thread.jobs.size < best.jobs.size) best = thread;
    }
    if (best?.jobs.size === 0) return best;
    if (this.threads.length < this.size) return this.start();
    return best;
  }

  private start(): Thread {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { argon2: this.argon2Module ?? argon2Path() } });
    const thread: Thread = { worker, jobs: new Map() };
    worker.unref();
    worker.on("message", (reply: Reply) => {
      const task = thread.jobs.get(reply.id);
      thread.jobs.delete(reply.id);
      if (thread.jobs.size === 0) worker.unref();
      if (reply.error === undefined) task?.resolve(reply.value);
      else task?.reject(new HashJobError(reply.error));
      this.dispatch();
    });
    // A thread that dies (or cannot start) fails only its own jobs, at once:
    // nothing waits forever, and the next job starts a new thread.
    const fail = (error: Error) => {
      const index = this.threads.indexOf(thread);
      if (index === -1) return;
      this.threads.splice(index, 1);
      for (const task of thread.jobs.values()) task.reject(error);
      thread.jobs.clear();
      this.dispatch();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`a password-hashing thread stopped (exit code ${code})`)));
    this.threads.push(thread);
    return thread;
  }
}

let resolvedPath: string | undefined;
/** The package's entry, resolved on the first thread's start so the worker needs no module paths of its own. */
function argon2Path(): string {
  resolvedPath ??= createRequire(`${process.cwd()}/package.json`).resolve("@node-rs/argon2");
  return resolvedPath;
}
