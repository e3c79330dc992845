// Runs one embedded PostgreSQL for a parent process (scripts/postgres-server.ts)
// and stops it when the parent is gone. PostgreSQL outlives a parent that is
// killed, so the parent does not start it itself: it starts this process in a
// process group of its own (a Ctrl-C in the terminal does not reach it) with
// stdin a pipe from the parent. When that pipe closes (the parent called
// stop(), exited, crashed, or was killed, even with SIGKILL) this process
// stops PostgreSQL and removes a temporary data folder.
//
// Protocol: argv[2] is a GuardianConfig as JSON; one line on stdout,
// `READY {"port", "dataDir", "version", "pid"}`, once PostgreSQL answers.
// A failure is told on stderr and ends this process with status 1.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type GuardianConfig = {
  /** Folder holding the initdb and postgres binaries. */
  binDir: string;
  /** A folder kept between runs, or null for a temporary one removed at the end. */
  dataDir: string | null;
  port: number;
  /** Server settings (postgres -c name=value). */
  settings: Record<string, string>;
  /** Where PostgreSQL's log goes; null: kept in memory and shown only if it fails. */
  logFile: string | null;
};

const config = JSON.parse(process.argv[2] ?? "null") as GuardianConfig;
const recentLog: string[] = [];
let server: ChildProcess | null = null;
/** initdb while it runs: stopped with the rest if the parent goes meanwhile. */
let preparing: ChildProcess | null = null;
let dataDir: string | null = null;
let stopping = false;

/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` user, or `nobody` where there is none. */
function runAs(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ["postgres", "nobody"]) {
    try {
      const id = (flag: string) =>
        Number(execFileSync("id", [flag, name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      return { uid: id("-u"), gid: id("-g"), name };
    } catch {
      /* no such user */
    }
  }
  throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
}

function keepLog(chunk: Buffer) {
  recentLog.push(...chunk.toString("utf8").split("\n").filter(Boolean));
  recentLog.splice(0, Math.max(0, recentLog.length - 40));
}

/** Runs a binary as the server's user; rejects with its output when it fails. */
function run(file: string, args: string[], user: ReturnType<typeof runAs>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user && { uid: user.uid, gid: user.gid }),
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    preparing = child;
    child.once("exit", () => (preparing = null));
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c));
    child.stderr!.on("data", (c: Buffer) => (output += c));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} failed (${code}):\n${output.trim()}`))));
  });
}

async function answers(port: number): Promise<string | null> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres", connectionTimeoutMillis: 1000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]!.server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function start() {
  const user = runAs();
  const temporary = config.dataDir === null;
  dataDir = temporary ? fs.mkdtempSync(path.join(os.tmpdir(), "accounts-postgres-")) : path.resolve(config.dataDir!);
  fs.mkdirSync(dataDir, { recursive: true });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (fs.readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is neither empty nor a PostgreSQL data folder`);
    // The builtin C.UTF-8 locale: Unicode case rules (lower(), ILIKE) whatever
    // locales the machine has installed; trust, for connections from this machine only.
    await run(
      path.join(config.binDir, "initdb"),
      [
        `--pgdata=${dataDir}`,
        "--username=postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--no-instructions",
        ...(temporary ? ["--no-sync"] : []),
      ],
      user,
    );
  }
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...config.settings };
  const args = ["-D", dataDir, "-p", String(config.port), ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const log = config.logFile ? fs.openSync(config.logFile, "a") : null;
  server = spawn(path.join(config.binDir, "postgres"), args, {
    ...(user && { uid: user.uid, gid: user.gid }),
    env: { ...process.env, LC_ALL: "C" },
    stdio: ["ignore", log ?? "ignore", log ?? "pipe"],
  });
  server.stderr?.on("data", keepLog);
  server.on("exit", (code, signal) => {
    server = null;
    if (stopping) return;
    fail(new Error(`PostgreSQL stopped by itself (${signal ?? code})${config.logFile ? `; its log: ${config.logFile}` : ""}`));
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!server) return; // it exited: fail() reports it
    if (Date.now() > deadline) throw new Error("PostgreSQL did not answer within 60 s");
    const version = await answers(config.port);
    if (version) {
      process.stdout.write(`READY ${JSON.stringify({ port: config.port, dataDir, version, pid: server.pid })}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fast shutdown (PostgreSQL rolls back open transactions and closes cleanly); harder signals if it hangs. */
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  preparing?.kill("SIGKILL");
  const running = server;
  if (running) {
    const exited = new Promise((r) => running.once("exit", r));
    running.kill("SIGINT");
    const escalate = [setTimeout(() => running.kill("SIGQUIT"), 10_000), setTimeout(() => running.kill("SIGKILL"), 15_000)];
    await exited;
    escalate.forEach(clearTimeout);
  }
  if (config.dataDir === null && dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

function fail(error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  if (recentLog.length) process.stderr.write(`PostgreSQL's log:\n${recentLog.join("\n")}\n`);
  void stop().finally(() => process.exit(1));
}

// The parent's end of stdin closes when it stops us or is gone.
process.stdin.on("end", () => void stop().then(() => process.exit(0)));
process.stdin.on("error", () => void stop().then(() => process.exit(0)));
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop().then(() => process.exit(0)));

start().catch(fail);
