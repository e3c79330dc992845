// npm run bench [-- --db postgres] [--duration 8] [--connections 16] [--no-build] [--scale-users 100000]
// Builds and starts the production server (the compiled entry, as `npm
// start` runs it; each start is timed from process spawn to the first
// answered request), loads it with autocannon from this
// (second) process, and records ratios measured in the same run: every figure
// is compared with a bare route handler or a bound measured alongside it,
// because these machines are shared and noisy. Writes bench/results/<db>.json
// and <db>.md (scripts/bench-report.ts) and the summary in docs/BENCHMARKS.md.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { hashSync } from "@node-rs/argon2";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import { HASH_THREAD_NAME } from "../src/server/auth/hash-pool";
import { ARGON2_OPTIONS, hashPassword, hashPool } from "../src/server/auth/password";
import { hashToken, newSecretToken } from "../src/server/auth/secret-token";
import { createDb, sqlitePath } from "../src/server/db/client";
import { encodeCursor, KEYSET_ORDER } from "../src/server/db/keyset-cursor";
import { migrate } from "../src/server/db/migrate";
import {
  expireDirectorySessions,
  expiredSessionsLeft,
  vacuumSessions,
  validationDuringPruning,
  validationUnderAdminLoad,
} from "./bench-contention";
import { directoryUser } from "./bench-directory";
import { type CpuShare, type DurabilityRuns, type FloodProbe, type Load, writeReports } from "./bench-report";
import { seedDirectory } from "./bench-seed";
import { DEFAULT_POSTGRES_URL, findOrStartPostgres, type PostgresServer } from "./postgres-server";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./server-node-flags";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "sqlite" },
    duration: { type: "string", default: "8" },
    connections: { type: "string", default: "16" },
    "no-build": { type: "boolean", default: false },
    "scale-users": { type: "string", default: "100000" },
  },
});
const DB_KIND = args.db === "postgres" ? "postgres" : "sqlite";
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const SCALE_USERS = Number(args["scale-users"]);
const PORT = 3300;
const METRICS_TOKEN = newSecretToken();
const PASSWORD = "benchmark passphrase long enough";
/** Seconds between pruning rounds on the server of the pruning probe. */
const PRUNE_SECONDS = 10;
/** The baseline: a Next.js route handler returning static JSON (the pages' readiness probe). */
const BARE_ROUTE = "/api/health/pages";
/** The --db postgres server: TEST_POSTGRES_URL (or 127.0.0.1:5432) when it answers, else an embedded one (connectPostgres). */
let PG_ADMIN = "";
let postgres: PostgresServer | null = null;

async function connectPostgres() {
  const wanted = process.env.TEST_POSTGRES_URL;
  postgres = await findOrStartPostgres({ url: wanted || DEFAULT_POSTGRES_URL, explicit: !!wanted });
  PG_ADMIN = postgres.url;
  console.log(`PostgreSQL: ${postgres.description}`);
}

/** The bench's databases: "small" (1k users) and "large" (the scale size). */
function databaseUrl(name: "small" | "large"): string {
  if (DB_KIND === "sqlite") return `file:${path.resolve(`bench/tmp/${name}.db`)}`;
  const url = new URL(PG_ADMIN);
  url.pathname = `/accounts_bench_${name}`;
  return url.toString();
}

async function freshDatabase(url: string) {
  if (DB_KIND === "sqlite") {
    const file = sqlitePath(url);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } else {
    const name = new URL(url).pathname.slice(1);
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
    await c.end();
  }
  await migrate(url, { quiet: true });
}

type Server = { base: string; process: ChildProcess; startMs: number };

/** Each server start during the loads: milliseconds from spawning the process to its first answered request. */
const coldStarts: number[] = [];

/** `alone`: one of the cold-start target's starts (coldStartsAlone), not a start during the loads. */
async function startServer(url: string, port = PORT, extraEnv: Record<string, string> = {}, alone = false): Promise<Server> {
  const base = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, "dist/serve.js"], {
    env: {
      ...process.env,
      ...SERVER_ENV,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: base,
      DATABASE_URL: url,
      LOG_LEVEL: "error",
      METRICS_TOKEN,
      RESEND_API_KEY: "",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  running.add(child);
  while (performance.now() - spawned < 60_000) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) {
        const startMs = Math.round(performance.now() - spawned);
        if (!alone) coldStarts.push(startMs);
        return { base, process: child, startMs };
      }
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the server did not start");
}

const running = new Set<ChildProcess>();

/**
 * The cold-start target's figure: servers started one at a time with nothing
 * else running (no other server, no load, no seeding: before the loads),
 * alternating the 1k and the large database, each after a pause. The starts
 * during the loads (also reported) share the cores with whatever ran then: a
 * server started right after another one shares them with its start-up work.
 */
async function coldStartsAlone(rounds = 3): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const name of ["small", "large"] as const) {
      await new Promise((r) => setTimeout(r, 1000));
      const server = await startServer(databaseUrl(name), PORT, {}, true);
      starts.push(server.startMs);
      await stopServer(server);
    }
  }
  return starts;
}

async function stopServer(server: Server) {
  const exited = new Promise((r) => server.process.once("exit", r));
  server.process.kill("SIGTERM");
  await exited;
  running.delete(server.process);
}

async function metrics(base: string, reset = false) {
  const res = await fetch(`${base}/api/metrics${reset ? "?reset=1" : ""}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  return (await res.json()) as {
    eventLoopDelayMs: { p99: number };
    apiTimeMs: { count: number; p50: number };
    rssBytes: number;
    peakRssBytes: number;
  };
}

/** rps is rounded for reading; ratios use exactRps (a rounded figure must not decide a target). */

async function load(server: Server, name: string, opts: Partial<autocannon.Options>, duration = DURATION): Promise<Load> {
  await metrics(server.base, true);
  const result = await autocannon({
    connections: CONNECTIONS,
    duration,
    ...opts,
    url: server.base + (opts.url ?? "/"),
  } as autocannon.Options);
  const m = await metrics(server.base, true);
  const out = {
    rps: Math.round(result.requests.average),
    exactRps: result.requests.average,
    requests: result.requests.total,
    p99: result.latency.p99,
    mean: Math.round(result.latency.mean * 100) / 100,
    errors: result.errors,
    non2xx: result.non2xx,
    eventLoopP99: m.eventLoopDelayMs.p99,
    peakRssMb: Math.round(m.peakRssBytes / 1e6),
  };
  console.log(
    `${name.padEnd(36)} ${String(out.rps).padStart(6)} req/s  p99 ${out.p99} ms  non-2xx ${out.non2xx}  loop p99 ${out.eventLoopP99} ms  rss ${out.peakRssMb} MB`,
  );
  return out;
}

type Timing = { serverMs: number; latencyMs: number };

/**
 * Median server time and latency of one request path on two servers,
 * alternating between them request by request, so that whatever else the
 * machine does slows both alike. The server time comes from each server's
 * /api/metrics (a production server sends no Server-Timing).
 */
async function timePair(servers: [Server, Server], paths: string | [string, string], headers: Record<string, string>, runs = 60) {
  const total: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    // The first five rounds warm up; the servers count their time from here.
    if (i === 5) for (const server of servers) await metrics(server.base, true);
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const t = performance.now();
      const pathAndQuery = typeof paths === "string" ? paths : paths[k]!;
      const res = await fetch(servers[k]!.base + pathAndQuery, { headers });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${pathAndQuery} answered ${res.status}`);
      if (i < 5) continue; // warming up
      total[k]!.push(performance.now() - t);
    }
  }
  const server = await Promise.all(servers.map((s) => metrics(s.base)));
  const median = (xs: number[]) => Math.round(([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN) * 100) / 100;
  return [0, 1].map((k) => ({ serverMs: server[k]!.apiTimeMs.p50, latencyMs: median(total[k]!) })) as [Timing, Timing];
}

/** The one person the search probe looks for: seeded with the first 1k. */
const SOUGHT = { index: 500, name: "Wilhelmina Okonkwo-Lindqvist", email: "w.okonkwo-lindqvist@bench.example", query: "okonkwo" };

// The directory probe: admin.listUsers pages by cursor and searches, each
// median server time at both sizes; targets: <= 5 ms at scale, scale ratio <= 1.5.
const DIRECTORY_SEARCHES = {
  searchRare: SOUGHT.query, // one person
  searchCommon: "fitzgerald", // a last name: 2,924 of 1M users (0.29 %)
  searchEmailPrefix: "maria.sm", // the start of an address
  searchOneChar: "m", // the start of a word
  searchTwoChar: "xu", // the start of a word: 0.4 % of users
};
const DIRECTORY_PAGES = ["listFirst", "listMiddle", "listLast"] as const;
type DirectoryProbe = (typeof DIRECTORY_PAGES)[number] | keyof typeof DIRECTORY_SEARCHES;

async function directoryProbes(
  pair: [Server, Server],
  admin: Record<string, string>,
  listPath: (input: unknown) => string,
  pagePaths: (at: "middle" | "last") => [string, string],
  search: (query: string) => ReturnType<typeof timePair>,
) {
  const probes = {
    listFirst: await timePair(pair, listPath({ limit: 50 }), admin),
    listMiddle: await timePair(pair, pagePaths("middle"), admin),
    listLast: await timePair(pair, pagePaths("last"), admin),
  } as Record<DirectoryProbe, Awaited<ReturnType<typeof timePair>>>;
  for (const [name, query] of Object.entries(DIRECTORY_SEARCHES)) probes[name as DirectoryProbe] = await search(query);
  return probes;
}

function directoryTargets(small: Record<string, Timing>, large: Record<string, Timing>, ratio: (a: number, b: number) => number) {
  const probes = [...DIRECTORY_PAGES, ...Object.keys(DIRECTORY_SEARCHES)];
  return Object.fromEntries(
    probes.flatMap((k) => [
      [`${k}AtScaleMs`, { value: large[k]!.serverMs, target: "<= 5" }],
      [`${k}ScaleRatio`, { value: ratio(large[k]!.serverMs, small[k]!.serverMs), target: "<= 1.5" }],
    ]),
  );
}

// Where the machine's CPU time goes during a load (Linux's /proc; elsewhere
// the accounting is left out): the server's threads by role, this process
// (the load generator), and the rest of the machine.
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
type CpuSnapshot = {
  threads: Map<string, { role: "eventLoop" | "hashing" | "otherServerThreads"; ms: number }>;
  ownMs: number;
  busyMs: number;
  idleMs: number;
};

function cpuSnapshot(serverPid: number): CpuSnapshot | null {
  if (!fs.existsSync(`/proc/${serverPid}/task`)) return null;
  const threads: CpuSnapshot["threads"] = new Map();
  for (const tid of fs.readdirSync(`/proc/${serverPid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${serverPid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[11], [12]: utime, stime
    const role = tid === String(serverPid) ? "eventLoop" : name === HASH_THREAD_NAME ? "hashing" : "otherServerThreads";
    threads.set(tid, { role, ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS });
  }
  const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  const idle = ticks[3]! + ticks[4]!; // idle + iowait
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // up to steal; guest time is inside user
  const own = process.cpuUsage();
  return {
    threads,
    ownMs: (own.user + own.system) / 1000,
    busyMs: ((total - idle) * 1000) / CLOCK_TICKS,
    idleMs: (idle * 1000) / CLOCK_TICKS,
  };
}

/** CPU milliseconds between two snapshots, by where they went. */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuShare {
  const share: CpuShare = { hashing: 0, eventLoop: 0, otherServerThreads: 0, loadGenerator: 0, restOfMachine: 0, idle: 0 };
  for (const [tid, t] of after.threads) share[t.role] += t.ms - (before.threads.get(tid)?.ms ?? 0);
  share.loadGenerator = after.ownMs - before.ownMs;
  const server = share.hashing + share.eventLoop + share.otherServerThreads;
  share.restOfMachine = Math.max(0, after.busyMs - before.busyMs - server - share.loadGenerator);
  share.idle = after.idleMs - before.idleMs;
  return share;
}

/**
 * A legitimate log-in, one after another from one client, while (or not) a
 * flood of wrong guesses for made-up addresses comes from thousands of
 * other client addresses (X-Forwarded-For, the server trusting one proxy):
 * every flood request passes its budgets and wants a hash. Latency of each
 * answer, how many were refused OVERLOADED, and the time until logged in
 * when a refused client retries after Retry-After.
 */
/** Accounts whose returning browsers the flood probe logs in with, in turn: enough that each comes back after over 10 s. */
const KNOWN_BROWSERS = 120;

/** A returning browser: an account's address and the device cookie its browser got at an earlier log-in. */
type KnownBrowser = { email: string; cookie: string };

/**
 * `known`: the log-ins come from returning browsers, a different account's
 * each time in turn (a person logs in once; one account's place ahead of the
 * queue comes back only every 10 seconds, hash-pool.ts); none: a new browser
 * logging in to the bench's student account.
 */
async function logInDuringFlood(server: Server, flood: boolean, seconds: number, known: KnownBrowser[] = []): Promise<FloodProbe> {
  let n = 0;
  const flooding = flood
    ? autocannon({
        url: `${server.base}/api/trpc/session.create`,
        connections: 64,
        duration: seconds + 1,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              n++;
              return {
                ...req,
                headers: { "content-type": "application/json", "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
                body: JSON.stringify({ email: `flood${n}@bench.example`, password: "a wrong guess of some length" }),
              };
            },
          },
        ],
      } as autocannon.Options)
    : null;
  await new Promise((r) => setTimeout(r, flood ? 1000 : 0)); // let the flood fill the queue
  const latencies: number[] = [];
  const untilIn: number[] = [];
  let refused = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    const browser = known.length ? known[untilIn.length % known.length] : undefined;
    for (;;) {
      const t = performance.now();
      const res = await fetch(`${server.base}/api/trpc/session.create`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": "192.168.77.7",
          ...(browser ? { cookie: browser.cookie } : {}),
        },
        body: JSON.stringify({ email: browser?.email ?? "student@bench.example", password: PASSWORD }),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.ok) break;
      if (res.status !== 503) throw new Error(`a legitimate log-in during the flood answered ${res.status}`);
      refused++;
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 1) * 1000));
    }
    untilIn.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  const floodResult = flooding ? await flooding : null;
  const pct = (xs: number[], p: number) =>
    Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]! * 10) / 10;
  return {
    logIns: untilIn.length,
    refused,
    p50Ms: pct(latencies, 0.5),
    p95Ms: pct(latencies, 0.95),
    maxMs: pct(latencies, 1),
    untilInP95Ms: pct(untilIn, 0.95),
    floodRps: floodResult ? Math.round(floodResult.requests.average) : 0,
    floodNon2xx: floodResult ? floodResult.non2xx : 0,
  };
}

let registrations = 0;

/**
 * Registrations of new addresses, each from a client address of its own
 * (X-Forwarded-For; the server trusts one proxy), so that neither the
 * per-address nor the per-client limit refuses them: each hashes a password
 * and commits a user, its login and a mail in one transaction.
 */
async function registrationLoad(server: Server, name: string, duration = DURATION): Promise<Load> {
  await new Promise((r) => setTimeout(r, 1500)); // hashes the previous load left queued drain first
  return load(
    server,
    name,
    {
      url: "/api/trpc/user.register",
      requests: [
        {
          method: "POST",
          setupRequest: (req) => {
            const n = ++registrations;
            return {
              ...req,
              headers: {
                "content-type": "application/json",
                "x-forwarded-for": `172.${16 + ((n >> 16) & 15)}.${(n >> 8) & 255}.${n & 255}`,
              },
              body: JSON.stringify({ email: `new${n}-${process.pid}@bench.example`, password: PASSWORD, name: `New Pupil ${n}` }),
            };
          },
        },
      ],
    },
    duration,
  );
}

const ROUNDS = 8;

/**
 * Median time of one commit (a one-row insert, in WAL mode) with each
 * setting, alternating, on this disk: what FULL adds to every commit, which
 * the event loop waits out (SQLite's calls are synchronous).
 */
function commitTimes(): Record<"full" | "normal", number> {
  const file = path.resolve("bench/tmp/commit-probe.db");
  const times: Record<"full" | "normal", number[]> = { full: [], normal: [] };
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE probe (id INTEGER PRIMARY KEY, body TEXT)");
  const insert = db.prepare("INSERT INTO probe (body) VALUES (?)");
  for (let round = 0; round < 6; round++) {
    for (const setting of ["full", "normal"] as const) {
      db.pragma(`synchronous = ${setting.toUpperCase()}`);
      for (let i = 0; i < 100; i++) {
        const t = performance.now();
        insert.run("x".repeat(200));
        times[setting].push(performance.now() - t);
      }
    }
  }
  db.close();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! * 1000) / 1000;
  return { full: median(times.full), normal: median(times.normal) };
}

/**
 * What durable commits cost on SQLite: the log-in storm and registrations on
 * two servers alike but for SQLITE_SYNCHRONOUS, in alternating bursts so
 * that whatever else the machine does falls on both.
 */
async function sqliteDurabilityCost(passwordHash: string): Promise<DurabilityRuns> {
  const settings = ["full", "normal"] as const;
  const servers = {} as Record<(typeof settings)[number], Server>;
  for (const [i, setting] of settings.entries()) {
    const url = `file:${path.resolve(`bench/tmp/synchronous-${setting}.db`)}`;
    await freshDatabase(url);
    const db = createDb(url);
    await db.user.create({
      data: { name: "Bench student", login: { create: { email: "student@bench.example", passwordHash, emailVerifiedAt: new Date() } } },
    });
    await db.$disconnect();
    servers[setting] = await startServer(url, PORT + 2 + i, { TRUST_PROXY: "1", SQLITE_SYNCHRONOUS: setting });
  }
  const storm = logInStorm();
  for (const setting of settings) await load(servers[setting], "warm-up", storm, 2);
  const commitMs = commitTimes();
  const runs: DurabilityRuns = {
    full: { login: [], register: [], commitMs: commitMs.full },
    normal: { login: [], register: [], commitMs: commitMs.normal },
  };
  const seconds = Math.max(2, DURATION / 2);
  // Before each storm, a pause: the hashes the last burst left queued drain first.
  const pause = () => new Promise((r) => setTimeout(r, 1500));
  for (let round = 0; round < ROUNDS; round++) {
    for (const setting of round % 2 ? [...settings].reverse() : settings) {
      await pause();
      runs[setting].login.push(await load(servers[setting], `log-in storm, synchronous = ${setting}`, storm, seconds));
      runs[setting].register.push(await registrationLoad(servers[setting], `registrations, synchronous = ${setting}`, seconds));
    }
  }
  for (const setting of settings) await stopServer(servers[setting]);
  return runs;
}

/** Seconds of log-in storm before the measured bursts (2 until 2026-11-29). */
const STORM_WARM_UP_SECONDS = 24;

/**
 * One account logging in from many clients (a class at the start of a
 * lesson; the server trusts one proxy's X-Forwarded-For). From one client,
 * 16 parallel attempts would exceed its per-account-and-client budget of 10
 * points, taken before each password is checked, and be refused.
 */
function logInStorm(): Partial<autocannon.Options> {
  let logIns = 0;
  return {
    url: "/api/trpc/session.create",
    requests: [
      {
        method: "POST",
        setupRequest: (req) => {
          const n = ++logIns;
          return {
            ...req,
            headers: { "content-type": "application/json", "x-forwarded-for": `100.64.${(n >> 8) & 255}.${n & 255}` },
            body: JSON.stringify({ email: "student@bench.example", password: PASSWORD }),
          };
        },
      },
    ],
  };
}

function argon2Bound(hashMs: number) {
  return os.availableParallelism() / (hashMs / 1000);
}

async function main() {
  if (DB_KIND === "postgres") await connectPostgres();
  if (!args["no-build"]) {
    console.log("building…");
    const build = spawnSync("npm", ["run", "build"], { stdio: "ignore", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error("npm run build failed");
  }
  const passwordHash = await hashPassword(PASSWORD);
  const tokens = { admin: newSecretToken(), teacher: newSecretToken(), student: newSecretToken() };
  const who = {} as Record<keyof typeof tokens, { id: string; token: string }>;
  const cursors = {} as Record<"small" | "large", { middle: string; last: string }>;
  const seedSeconds = {} as Record<"small" | "large", number>;
  // Both databases hold the same three people with the same sessions; "large"
  // then gets the scale's users on top of the same first 1k.
  for (const name of ["small", "large"] as const) {
    const url = databaseUrl(name);
    await freshDatabase(url);
    const db = createDb(url);
    for (const role of ["admin", "teacher", "student"] as const) {
      const user = await db.user.create({
        data: {
          id: `bench-${role}`,
          name: `Bench ${role}`,
          admin: role === "admin",
          teacher: role === "teacher",
          login: { create: { email: `${role}@bench.example`, passwordHash, emailVerifiedAt: new Date() } },
          // The admin logged in with two steps: MFA_REQUIRED_FOR (default admin) lets only such a session page the directory.
          sessions: {
            create: {
              tokenHash: hashToken(tokens[role]),
              expiresAt: new Date(Date.now() + 86_400_000),
              ...(role === "admin" ? { aal: "aal2", method: "totp" } : {}),
            },
          },
        },
      });
      who[role] = { id: user.id, token: tokens[role] };
    }
    console.log(`seeding ${name === "small" ? 1000 : SCALE_USERS} users and sessions…`);
    const seedStart = performance.now();
    await seedDirectory(url, {
      from: 0,
      to: name === "small" ? 1000 : SCALE_USERS,
      passwordHash,
      people: new Map([[SOUGHT.index, SOUGHT]]),
    });
    seedSeconds[name] = Math.round((performance.now() - seedStart) / 100) / 10;
    console.log(`seeded in ${seedSeconds[name]} s`);
    // Pages by cursor half-way down the list (newest first) and at its end (the last 30 users), as after paging there.
    const count = await db.user.count();
    const at = async (skip: number) => encodeCursor((await db.user.findMany({ orderBy: KEYSET_ORDER, skip, take: 1 }))[0]!);
    cursors[name] = { middle: await at(Math.floor(count / 2)), last: await at(count - 31) };
    // What autovacuum does on a live PostgreSQL after a bulk load: merge the
    // GIN indexes' pending lists and gather the planner's statistics.
    if (DB_KIND === "postgres") await db.$executeRawUnsafe("VACUUM ANALYZE");
    await db.$disconnect();
  }
  // The cold-start target's starts, while the machine is quiet: after the
  // seeding and (PostgreSQL) a checkpoint that writes out what it left, before
  // any load. At the end of the run PostgreSQL is still busy with the pruning's
  // aftermath (autovacuum, checkpoints), which showed in the starts there.
  if (DB_KIND === "postgres") {
    const db = createDb(databaseUrl("large"));
    await db.$executeRawUnsafe("CHECKPOINT");
    await db.$disconnect();
  }
  const quietStarts = await coldStartsAlone();

  // argon2: one hash with the production parameters, in this process, on
  // this thread (the hash alone: no worker pool, no messages).
  const hashSamples: number[] = [];
  async function sampleHashes(count: number) {
    await new Promise((r) => setTimeout(r, 3000)); // let the previous load drain (and its GC)
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      hashSync(PASSWORD, ARGON2_OPTIONS);
      hashSamples.push(performance.now() - t);
    }
  }

  // The argon2 bound with the load generator's process on the same cores:
  // what this process alone hashes per second on all cores at once through
  // the server's hashing pool (concurrent hashes slow each other through the
  // shared caches and memory), kept as full as a storm keeps it.
  async function parallelHashing(ms: number): Promise<number> {
    const start = performance.now();
    let done = 0;
    await Promise.all(
      Array.from({ length: hashPool.size * hashPool.jobsPerThread }, async () => {
        while (performance.now() - start < ms) {
          await hashPassword(PASSWORD);
          done++;
        }
      }),
    );
    return done / ((performance.now() - start) / 1000);
  }

  // TRUST_PROXY=1 lets the flood below come from many client addresses; requests without X-Forwarded-For are unaffected.
  const app = await startServer(databaseUrl("small"), PORT, { TRUST_PROXY: "1" });
  const bearer = (role: keyof typeof who) => ({ authorization: `Bearer ${who[role].token}` });
  // Idle: started, nothing asked yet but the probe that saw it answer.
  await new Promise((r) => setTimeout(r, 2000));
  const idleRssMb = Math.round((await metrics(app.base)).rssBytes / 1e6);
  // Validation first, before the bare route's first call loads Next.js: its
  // peak RSS is that of a process serving the APIs (the peak under every
  // load, pages included, is reported too).
  await load(app, "warm-up", { url: "/api/trpc/session.validate", headers: bearer("student") }, 2);
  const validate = await load(app, "session.validate", { url: "/api/trpc/session.validate", headers: bearer("student") });
  await load(app, "warm-up", { url: BARE_ROUTE }, 2);
  const health = await load(app, `GET ${BARE_ROUTE} (bare route)`, { url: BARE_ROUTE });
  const infoSelf = await load(app, "user.info (self)", { url: "/api/trpc/user.info", headers: bearer("student") });
  const infoOther = await load(app, "user.info (teacher reads a student)", {
    url: `/api/trpc/user.info?input=${encodeURIComponent(JSON.stringify({ userId: who.student.id }))}`,
    headers: bearer("teacher"),
  });
  // The storm runs in four bursts. Before each (while the server is idle)
  // the hash time is sampled and the bound is measured, so that the bound
  // and the storm see the machine in the same state: these machines' speed
  // drifts within minutes, and one window of the bound after the storm once
  // came out 25 % below what the hash time measured beside the bursts implied.
  // The warm-up lasts until V8 has optimized the log-in's code (about 2,000
  // log-ins): in 5-second storms on a fresh server the CPU per log-in besides
  // the hash fell from 5.7-6.1 ms in the first to 3.3-3.8 from the fifth on,
  // the compiler threads' share from 1.0-1.2 ms to 0.2 (docs/performance.md).
  // A server that has run for a while is in that state; the bursts measure it.
  const storm = logInStorm();
  await load(app, "warm-up", storm, STORM_WARM_UP_SECONDS);
  const bursts: Load[] = [];
  const boundWindows: number[] = [];
  const stormCpu: CpuShare[] = [];
  for (let i = 0; i < 4; i++) {
    await sampleHashes(8);
    boundWindows.push(await parallelHashing(2000));
    console.log(`argon2 bound before burst ${i + 1}: ${Math.round(boundWindows[i]!)}/s`);
    const before = cpuSnapshot(app.process.pid!);
    bursts.push(await load(app, `session.create (log-in storm) ${i + 1}/4`, storm, Math.max(2, DURATION / 2)));
    const after = cpuSnapshot(app.process.pid!);
    if (before && after) stormCpu.push(cpuBetween(before, after));
  }
  const loginRps = bursts.reduce((sum, b) => sum + b.exactRps, 0) / bursts.length;
  const login: Load = {
    rps: Math.round(loginRps),
    exactRps: loginRps,
    requests: bursts.reduce((sum, b) => sum + b.requests, 0),
    p99: Math.max(...bursts.map((b) => b.p99)),
    mean: Math.round((bursts.reduce((sum, b) => sum + b.mean, 0) / bursts.length) * 100) / 100,
    errors: bursts.reduce((sum, b) => sum + b.errors, 0),
    non2xx: bursts.reduce((sum, b) => sum + b.non2xx, 0),
    eventLoopP99: Math.max(...bursts.map((b) => b.eventLoopP99)),
    peakRssMb: Math.max(...bursts.map((b) => b.peakRssMb)),
  };
  // Returning browsers, which logged in before any flood: a device cookie puts an attempt ahead of the queue
  // (and spares it the account's budget for unknown clients, which the flood spends). One account's browser goes
  // ahead once every 10 s, so the probe logs in to a different directory account each time, as people would.
  const known: KnownBrowser[] = [];
  for (let i = 0; i < KNOWN_BROWSERS; i++) {
    const email = i === SOUGHT.index ? SOUGHT.email : directoryUser(i).email;
    const first = await fetch(`${app.base}/api/trpc/session.create`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "192.168.77.7" },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const cookie = first.headers
      .getSetCookie()
      .find((c) => c.startsWith("device="))
      ?.split(";")[0];
    if (!cookie) throw new Error(`a returning browser's first log-in got no device cookie (HTTP ${first.status})`);
    known.push({ email, cookie });
  }
  const quiet = await logInDuringFlood(app, false, Math.max(3, DURATION / 2));
  const flooded = await logInDuringFlood(app, true, DURATION);
  const floodedKnown = await logInDuringFlood(app, true, DURATION, known);
  for (const [name, p] of [
    ["new browser", flooded],
    ["returning browser", floodedKnown],
  ] as const) {
    console.log(
      `log-in during a flood (${p.floodRps} req/s), ${name}: p50 ${p.p50Ms} ms (alone ${quiet.p50Ms}), p95 ${p.p95Ms} ms, ${p.refused} of ${p.logIns + p.refused} answers OVERLOADED, logged in within ${p.untilInP95Ms} ms (p95)`,
    );
  }
  const register = await registrationLoad(app, "user.register (new addresses)");
  await stopServer(app);
  // The bound: what this process hashes on all cores at once, measured before each burst.
  const parallelPerSecond = boundWindows.reduce((sum, x) => sum + x, 0) / boundWindows.length;
  const hashMs = [...hashSamples].sort((a, b) => a - b)[Math.floor(hashSamples.length / 2)]!;

  // Scale: a server on each database, started and warmed up alike, probed
  // alternately request by request.
  const listPath = (input: unknown) => `/api/trpc/admin.listUsers?input=${encodeURIComponent(JSON.stringify(input))}`;
  const pair: [Server, Server] = [await startServer(databaseUrl("small")), await startServer(databaseUrl("large"), PORT + 1)];
  for (const server of pair) {
    await load(server, "warm-up", { url: "/api/trpc/session.validate", headers: bearer("student") }, 2);
    await load(server, "warm-up", { url: listPath({ limit: 50 }), headers: bearer("admin") }, 2);
    await load(server, "warm-up", { url: listPath({ limit: 50, query: SOUGHT.query }), headers: bearer("admin") }, 2);
  }
  const pagePaths = (at: "middle" | "last"): [string, string] => [
    listPath({ limit: 50, cursor: cursors.small[at] }),
    listPath({ limit: 50, cursor: cursors.large[at] }),
  ];
  for (const server of pair) {
    const search = await (await fetch(server.base + listPath({ limit: 50, query: SOUGHT.query }), { headers: bearer("admin") })).json();
    if (search.result.data.items.length !== 1) throw new Error(`the search for ${SOUGHT.query} did not find exactly one person`);
  }
  const search = (query: string) => timePair(pair, listPath({ limit: 50, query }), bearer("admin"));
  const probes = {
    validate: await timePair(pair, "/api/trpc/session.validate", { authorization: "Bearer bench-session-500" }),
    ...(await directoryProbes(pair, bearer("admin"), listPath, pagePaths, search)),
  };
  const small = Object.fromEntries(Object.entries(probes).map(([k, v]) => [k, v[0]])) as Record<keyof typeof probes, Timing>;
  const large = Object.fromEntries(Object.entries(probes).map(([k, v]) => [k, v[1]])) as Record<keyof typeof probes, Timing>;
  await stopServer(pair[0]);
  const validateLarge = await load(pair[1], `session.validate at ${SCALE_USERS / 1000}k`, {
    url: "/api/trpc/session.validate",
    headers: bearer("student"),
  });
  // Validation at half the rate it reached above, alone and while an admin
  // pages and searches the large directory without pause.
  const contentionRate = Math.max(50, Math.round(validate.exactRps / 2));
  const adminContention = await validationUnderAdminLoad({
    base: pair[1].base,
    validateHeaders: bearer("student"),
    adminHeaders: bearer("admin"),
    // Every page and search the directory probe times, in turn.
    adminPaths: [
      listPath({ limit: 50 }),
      pagePaths("middle")[1],
      pagePaths("last")[1],
      ...Object.values(DIRECTORY_SEARCHES).map((query) => listPath({ limit: 50, query })),
    ],
    rate: contentionRate,
    seconds: Math.max(3, DURATION / 2),
    rounds: 3,
  });
  console.log(`validation p99 with an admin paging and searching ÷ without: ${adminContention.p99Ratio}`);
  await stopServer(pair[1]);
  // The pruning of every directory session, expired at once, on a warmed-up
  // server that prunes every PRUNE_SECONDS (hourly by default).
  const largeDb = createDb(databaseUrl("large"));
  const pruner = await startServer(databaseUrl("large"), PORT + 1, { PRUNE_INTERVAL_SECONDS: String(PRUNE_SECONDS) });
  await load(pruner, "warm-up", { url: "/api/trpc/session.validate", headers: bearer("student") }, 2);
  const pruning = await validationDuringPruning({
    base: pruner.base,
    expire: () => expireDirectorySessions(largeDb),
    remaining: () => expiredSessionsLeft(largeDb),
    validateHeaders: bearer("student"),
    rate: contentionRate,
    sliceSeconds: 2,
    maxSeconds: 600,
    settle: () => vacuumSessions(largeDb),
  });
  console.log(
    `validation p99 while pruning ${pruning.expiredSessions} expired sessions (${pruning.pruneSeconds} s) ÷ after: ${pruning.p99Ratio}`,
  );
  await stopServer(pruner);
  await largeDb.$disconnect();
  const durability = DB_KIND === "sqlite" ? await sqliteDurabilityCost(passwordHash) : undefined;

  const bound = argon2Bound(hashMs);
  // Each log-in of the storm verifies one password, so the hashing threads'
  // CPU time per log-in is what one hash costs with the storm's contention;
  // cores ÷ that is what the storm could reach if nothing else used the CPU.
  const cpuPerLogIn = (k: keyof CpuShare) => stormCpu.reduce((sum, c) => sum + c[k], 0) / login.requests;
  const perLogIn = stormCpu.length
    ? (Object.fromEntries(Object.keys(stormCpu[0]!).map((k) => [k, Math.round(cpuPerLogIn(k as keyof CpuShare) * 100) / 100])) as CpuShare)
    : null;
  const hashingCeiling = stormCpu.length ? os.availableParallelism() / (cpuPerLogIn("hashing") / 1000) : null;
  const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
  const coldStartMs = [...quietStarts].sort((a, b) => a - b)[Math.floor(quietStarts.length / 2)]!;
  const result = {
    date: new Date().toISOString(),
    db: DB_KIND,
    postgres: postgres?.summary,
    machine: { cores: os.availableParallelism(), node: process.version },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS, scaleUsers: SCALE_USERS },
    // Seconds to load each database's users, logins and sessions (scripts/bench-seed.ts).
    seedSeconds,
    loads: { health, validate, infoSelf, infoOther, login, register, validateLarge },
    // Process spawn to the first answered request (GET /api/health): starts
    // with nothing else running, alternating the 1k and the large database
    // (the target's figure); and every start during the loads, for context.
    coldStart: { startsMs: quietStarts, medianMs: coldStartMs, duringLoadsMs: coldStarts },
    // The server's resident memory two seconds after its start, before any load.
    idleRssMb,
    argon2: {
      hashMs: Math.round(hashMs * 10) / 10,
      samplesMs: hashSamples.map((x) => Math.round(x * 10) / 10),
      boundPerSecond: Math.round(bound),
      inProcessParallelPerSecond: Math.round(parallelPerSecond),
      // The bound of each burst, measured just before it (per second).
      boundWindowsPerSecond: boundWindows.map((x) => Math.round(x)),
      // Context, not a target: the storm against cores ÷ one hash alone.
      loginOfArgon2Bound: ratio(login.exactRps, bound),
      // Context, not a target: the storm against cores ÷ its own hashing time per log-in.
      hashingCeilingPerSecond: hashingCeiling && Math.round(hashingCeiling),
      loginOfHashingCeiling: hashingCeiling && ratio(login.exactRps, hashingCeiling),
    },
    // CPU milliseconds per log-in during the storm, by where they went (null off Linux).
    stormCpuMsPerLogIn: perLogIn,
    // A legitimate log-in alone and during a flood of wrong guesses from thousands of addresses.
    logInDuringFlood: { quiet, flooded, floodedKnown },
    // SQLite: the log-in storm and registrations with each commit setting (what durable commits cost).
    durability,
    scale: { small, large },
    // Validation at a fixed rate alone and while an admin pages and searches; during and after pruning.
    contention: { admin: adminContention, pruning },
    targets: {
      validateRps: { value: ratio(validate.exactRps, health.exactRps), target: ">= 0.70" },
      validateP99: { value: ratio(validate.p99, health.p99), target: "<= 2.0" },
      infoSelfRps: { value: ratio(infoSelf.exactRps, health.exactRps), target: ">= 0.70" },
      infoSelfP99: { value: ratio(infoSelf.p99, health.p99), target: "<= 2.0" },
      infoOtherRps: { value: ratio(infoOther.exactRps, health.exactRps), target: ">= 0.70" },
      infoOtherP99: { value: ratio(infoOther.p99, health.p99), target: "<= 2.0" },
      // The storm against the argon2 bound measured in this run with the load
      // generator's process on the same cores: what that process hashes on all
      // cores at once through the server's hashing pool.
      loginOfParallelHashing: { value: ratio(login.exactRps, parallelPerSecond), target: ">= 0.80" },
      loginEventLoopP99Ms: { value: login.eventLoopP99, target: "< 50" },
      scaleValidate: { value: ratio(large.validate.serverMs, small.validate.serverMs), target: "<= 1.2" },
      ...directoryTargets(small, large, ratio),
      coldStartMs: { value: coldStartMs, target: "<= 600" },
      idleRssMb: { value: idleRssMb, target: "<= 150" },
      validatePeakRssMb: { value: validate.peakRssMb, target: "<= 250" },
      validateP99UnderAdminLoad: { value: adminContention.p99Ratio, target: "<= 1.5" },
      validateP99DuringPruning: { value: pruning.p99Ratio, target: "<= 1.5" },
    },
  };
  console.log(`wrote ${writeReports({ ...result, directorySearches: DIRECTORY_SEARCHES }, SOUGHT.query).join(", ")}`);
}

main()
  .catch(async (error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of running) child.kill("SIGTERM");
    await postgres?.stop();
  });
