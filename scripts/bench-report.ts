// The benchmark's reports: bench/results/<db>.json (every figure of the latest
// run on that database), bench/results/<db>.md (its tables) and the summary in
// docs/BENCHMARKS.md, which puts the latest SQLite and PostgreSQL runs side by
// side. Only the latest run per database is kept; git keeps the older ones.
// `npm run bench:report` rewrites the .md files and the summary from the JSON.
import fs from "node:fs";
import { beforeAfterTable } from "./bench-before-after";

export type Load = {
  rps: number;
  exactRps: number;
  requests: number;
  p99: number;
  mean: number;
  errors: number;
  non2xx: number;
  eventLoopP99: number;
  peakRssMb: number;
};
export type CpuShare = Record<"hashing" | "eventLoop" | "otherServerThreads" | "loadGenerator" | "restOfMachine" | "idle", number>;
export type FloodProbe = {
  logIns: number;
  refused: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  untilInP95Ms: number;
  floodRps: number;
  floodNon2xx: number;
};
export type DurabilityRuns = Record<"full" | "normal", { login: Load[]; register: Load[]; commitMs: number }>;

function durabilityTable(d: DurabilityRuns | undefined): string {
  if (!d) return "";
  const mean = (xs: Load[], k: "exactRps" | "eventLoopP99") => xs.reduce((sum, x) => sum + x[k], 0) / xs.length;
  const worst = (xs: Load[], k: "p99" | "non2xx") => Math.max(...xs.map((x) => x[k]));
  const cells = (xs: Load[]) =>
    `${Math.round(mean(xs, "exactRps"))} | ${worst(xs, "p99")} | ${Math.round(mean(xs, "eventLoopP99") * 10) / 10} | ${worst(xs, "non2xx")}`;
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  // The mean ratio, and its range over the rounds (each round ran both settings back to back).
  const ratio = (k: "login" | "register") => {
    const each = d.full[k].map((f, i) => f.exactRps / d.normal[k][i]!.exactRps);
    return `${round3(mean(d.full[k], "exactRps") / mean(d.normal[k], "exactRps"))} (${round3(Math.min(...each))}–${round3(Math.max(...each))})`;
  };
  return `| SQLite commits (${d.full.login.length} alternating bursts each) | one commit, median ms | log-ins/s | p99 ms | event-loop p99 ms | non-2xx (worst burst) | registrations/s | p99 ms | event-loop p99 ms | non-2xx (worst burst) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| \`synchronous = FULL\` (the setting) | ${d.full.commitMs} | ${cells(d.full.login)} | ${cells(d.full.register)} |
| \`synchronous = NORMAL\` | ${d.normal.commitMs} | ${cells(d.normal.login)} | ${cells(d.normal.register)} |
| FULL ÷ NORMAL, per second (range over the rounds) | | ${ratio("login")} | | | | ${ratio("register")} | | | |

`;
}

function met(value: number, target: string): string {
  const [op, limit] = target.split(" ");
  const n = Number(limit);
  const ok = op === ">=" ? value >= n : op === "<" ? value < n : value <= n;
  return ok ? "met" : "**not met**";
}

function cpuTable(c: CpuShare | null, hashMs: number): string {
  if (!c) return "";
  return `| Log-in storm, CPU ms per log-in | hashing threads | event loop | other server threads | load generator (autocannon) | rest of the machine | idle |
| --- | --- | --- | --- | --- | --- | --- |
| (one hash alone: ${hashMs} ms) | ${c.hashing} | ${c.eventLoop} | ${c.otherServerThreads} | ${c.loadGenerator} | ${c.restOfMachine} | ${c.idle} |

`;
}

function floodTable(f: { quiet: FloodProbe; flooded: FloodProbe; floodedKnown: FloodProbe } | undefined): string {
  if (!f) return "";
  const row = (name: string, p: FloodProbe) =>
    `| ${name} | ${p.floodRps} | ${p.p50Ms} | ${p.p95Ms} | ${p.maxMs} | ${p.refused} of ${p.logIns + p.refused} | ${p.untilInP95Ms} |`;
  return `| A legitimate log-in (one client, one after another) | flood req/s | p50 ms | p95 ms | max ms | answered OVERLOADED | logged in within, p95 ms (retrying after Retry-After) |
| --- | --- | --- | --- | --- | --- | --- |
${row("alone", f.quiet)}
${row("during a flood of wrong guesses from many addresses: a new browser", f.flooded)}
${row("the same: a browser that logged in before (device cookie)", f.floodedKnown)}

`;
}

function contentionTable(c: BenchResult["contention"]): string {
  if (!c) return "";
  const slices = (xs: { p50: number; p99: number; rps: number }[]) => xs.map((x) => `${x.p50}/${x.p99} (${x.rps}/s)`).join(", ");
  return `| \`session.validate\` at ${c.admin.ratePerSecond} req/s: p50/p99 ms (req/s) per stretch | alone | with other work | ratio of p99 |
| --- | --- | --- | --- |
| an admin paging and searching without pause (${c.admin.withAdmin.map((x: { adminRequests: number }) => x.adminRequests).join(", ")} admin requests per stretch) | ${slices(c.admin.alone)} | ${slices(c.admin.withAdmin)} | ${c.admin.p99Ratio} |
| pruning ${c.pruning.expiredSessions} expired sessions (${c.pruning.pruneSeconds} s${c.pruning.leftAtEnd ? `, ${c.pruning.leftAtEnd} left when the probe stopped waiting` : ""}; p90 of the slices' p99) | after: ${slices(c.pruning.after)} | during: ${slices(c.pruning.during)} | ${c.pruning.p99Ratio} |

`;
}

function detailReport(r: BenchResult, file: string): string {
  const t = r.targets;
  const row = (name: string, key: string) => `| ${name} | ${t[key].value} | ${t[key].target} | ${met(t[key].value, t[key].target)} |`;
  // Targets that older runs did not measure yet.
  const optionalRow = (name: string, key: string) => (t[key] ? row(name, key) : `| ${name} | – | | not measured |`);
  const loads = Object.entries(r.loads as Record<string, Load>)
    .map(([k, v]) => `| ${k} | ${v.rps} | ${v.p99} | ${v.non2xx} | ${v.eventLoopP99} | ${v.peakRssMb} |`)
    .join("\n");
  const searches: Record<string, string> = r.directorySearches ?? {};
  const scale = Object.keys(r.scale.small)
    .map(
      (k) =>
        `| ${k}${searches[k] ? ` ("${searches[k]}")` : ""} | ${r.scale.small[k].serverMs} | ${r.scale.large[k].serverMs} | ${r.scale.small[k].latencyMs} | ${r.scale.large[k].latencyMs} |`,
    )
    .join("\n");
  const directory = Object.keys(t)
    .filter((k) => k.endsWith("AtScaleMs") || k.endsWith("ScaleRatio"))
    .map((k) => {
      const probe = k.replace(/AtScaleMs$|ScaleRatio$/, "");
      const what = k.endsWith("AtScaleMs") ? `server ms at ${r.settings.scaleUsers / 1000}k` : `${r.settings.scaleUsers / 1000}k ÷ 1k`;
      return row(`admin.listUsers ${probe}${searches[probe] ? ` ("${searches[probe]}")` : ""}, ${what}`, k);
    })
    .join("\n");
  const section = `# ${r.db === "sqlite" ? "SQLite" : "PostgreSQL"} — ${r.date.slice(0, 16).replace("T", " ")} UTC

${r.postgres ? `Server: ${r.postgres}.\n\n` : ""}${r.machine.cores} cores, Node ${r.machine.node}; autocannon ${r.settings.connections} connections × ${r.settings.durationSeconds} s per load; raw figures in \`${file}\`.

| Target | Measured | Target | |
| --- | --- | --- | --- |
${row("session.validate req/s ÷ bare route", "validateRps")}
${row("session.validate p99 ÷ bare route", "validateP99")}
${row("user.info (self) req/s ÷ bare route", "infoSelfRps")}
${row("user.info (self) p99 ÷ bare route", "infoSelfP99")}
${row("user.info (teacher → student) req/s ÷ bare route", "infoOtherRps")}
${row("user.info (teacher → student) p99 ÷ bare route", "infoOtherP99")}
${optionalRow(`log-in storm ÷ the argon2 bound with the load generator on the same cores: what its process hashes on all cores at once (${r.argon2.inProcessParallelPerSecond}/s${r.argon2.boundWindowsPerSecond ? `, the mean of ${r.argon2.boundWindowsPerSecond.join(", ")} measured before each burst` : ""})`, "loginOfParallelHashing")}
${row("event-loop delay p99 during the log-in storm (ms)", "loginEventLoopP99Ms")}
| (context) log-in storm ÷ cores ÷ one hash alone (${r.argon2.boundPerSecond}/s: ${r.machine.cores} cores ÷ ${r.argon2.hashMs} ms) | ${r.argon2.loginOfArgon2Bound ?? r.targets.loginOfArgon2Bound?.value} | | |
${r.stormCpuMsPerLogIn ? `| (context) log-in storm ÷ cores ÷ its own hashing time per log-in (${r.argon2.hashingCeilingPerSecond}/s: ${r.machine.cores} ÷ ${r.stormCpuMsPerLogIn.hashing} ms) | ${r.argon2.loginOfHashingCeiling} | | |\n` : ""}${row(`session.validate server time, ${r.settings.scaleUsers / 1000}k ÷ 1k users`, "scaleValidate")}
${directory}
${optionalRow("session.validate p99 while an admin pages and searches ÷ without", "validateP99UnderAdminLoad")}
${optionalRow("session.validate p99 while a million expired sessions are pruned ÷ after", "validateP99DuringPruning")}
${optionalRow("cold start to the first answer, median ms", "coldStartMs")}
${optionalRow("idle RSS after the start, MB", "idleRssMb")}
${optionalRow("peak RSS under the validation storm, MB", "validatePeakRssMb")}

${coldStartLine(r.coldStart)}

| Load | req/s | p99 ms | non-2xx | event-loop p99 ms | peak RSS MB |
| --- | --- | --- | --- | --- | --- |
${loads}

${cpuTable(r.stormCpuMsPerLogIn, r.argon2.hashMs)}${floodTable(r.logInDuringFlood)}${durabilityTable(r.durability)}${contentionTable(r.contention)}| Scale probe (median) | server ms at 1k | server ms at ${r.settings.scaleUsers / 1000}k | latency ms at 1k | latency ms at ${r.settings.scaleUsers / 1000}k |
| --- | --- | --- | --- | --- |
${scale}
`;
  return section;
}

/** What `npm run bench` records (older runs may lack the later fields). */
type BenchResult = any;

const RESULTS = "bench/results";
const DOC = "docs/BENCHMARKS.md";
const KINDS = ["sqlite", "postgres"] as const;

/** Writes the run's JSON and tables, drops older runs of that database, and rewrites the summary. */
export function writeReports(result: BenchResult, sought: string): string[] {
  fs.mkdirSync(RESULTS, { recursive: true });
  const kind: string = result.db;
  for (const old of fs.readdirSync(RESULTS)) if (old.endsWith(`-${kind}.json`)) fs.rmSync(`${RESULTS}/${old}`);
  const json = `${RESULTS}/${kind}.json`;
  fs.writeFileSync(json, `${JSON.stringify({ ...result, settings: { ...result.settings, sought } }, null, 2)}\n`);
  return [json, ...rewriteReports()];
}

/** Rewrites bench/results/<db>.md and the summary in docs/BENCHMARKS.md from the JSON files. */
export function rewriteReports(): string[] {
  const runs = KINDS.flatMap((kind) => {
    const file = `${RESULTS}/${kind}.json`;
    return fs.existsSync(file) ? [{ kind, file, r: JSON.parse(fs.readFileSync(file, "utf8")) as BenchResult }] : [];
  });
  const written = runs.map(({ kind, file, r }) => {
    fs.writeFileSync(`${RESULTS}/${kind}.md`, detailReport(r, file));
    return `${RESULTS}/${kind}.md`;
  });
  let doc = fs.readFileSync(DOC, "utf8");
  const replace = (name: string, text: string) => {
    const start = `<!-- bench:${name}:start -->`;
    const end = `<!-- bench:${name}:end -->`;
    if (doc.includes(start)) doc = `${doc.slice(0, doc.indexOf(start) + start.length)}\n${text}\n${doc.slice(doc.indexOf(end))}`;
  };
  replace("summary", summary(runs.map((x) => x.r)));
  replace("before-after", beforeAfterTable(Object.fromEntries(runs.map(({ kind, r }) => [kind, r]))));
  fs.writeFileSync(DOC, doc);
  return [...written, DOC];
}

const TARGET_ROWS: [key: string, label: (r: BenchResult) => string][] = [
  ["validateRps", () => "`session.validate` req/s ÷ bare route"],
  ["validateP99", () => "`session.validate` p99 ÷ bare route"],
  ["infoSelfRps", () => "`user.info` (self) req/s ÷ bare route"],
  ["infoOtherRps", () => "`user.info` (teacher → student) req/s ÷ bare route"],
  ["loginOfParallelHashing", () => "log-in storm ÷ argon2 bound (all cores hashing, load generator's process)"],
  ["loginEventLoopP99Ms", () => "event-loop p99 during the log-in storm, ms"],
  ["scaleValidate", (r) => `\`session.validate\` server time, ${r.settings.scaleUsers / 1000}k ÷ 1k users`],
  ["directoryWorstMs", (r) => `\`admin.listUsers\`, slowest of 3 pages and 5 searches at ${r.settings.scaleUsers / 1000}k, server ms p50`],
  ["directoryWorstRatio", (r) => `the same, largest ${r.settings.scaleUsers / 1000}k ÷ 1k`],
  ["validateP99UnderAdminLoad", () => "`session.validate` p99 while an admin pages and searches ÷ without"],
  ["validateP99DuringPruning", () => "`session.validate` p99 while expired sessions are pruned ÷ after"],
  ["coldStartMs", () => "cold start to the first answer, median ms"],
  ["idleRssMb", () => "idle RSS after the start, MB"],
  ["validatePeakRssMb", () => "peak RSS under the validation storm, MB"],
];

/** The cold starts: those the target's median is of, and (since 2026-11-29) those made during the loads. */
function coldStartLine(c: { medianMs: number; startsMs: number[]; duringLoadsMs?: number[] } | undefined): string {
  const what = "Cold start, from spawning `node dist/serve.js` to its first answered request:";
  if (!c) return `${what} not measured.`;
  if (!c.duringLoadsMs) return `${what} median ${c.medianMs} ms over ${c.startsMs.length} starts (${c.startsMs.join(", ")} ms).`;
  return (
    `${what} median ${c.medianMs} ms over ${c.startsMs.length} starts with nothing else running, the 1k and the large database in turn ` +
    `(${c.startsMs.join(", ")} ms); the starts during the loads, sharing the cores with what ran then: ${c.duringLoadsMs.join(", ")} ms.`
  );
}

/** The directory probe's worst figure, as a target of its own (runs before it have none). */
function worst(r: BenchResult, key: string): { value: number; target: string } | undefined {
  const suffix = key === "directoryWorstMs" ? "AtScaleMs" : key === "directoryWorstRatio" ? "ScaleRatio" : null;
  const all = Object.entries(r.targets as Record<string, { value: number; target: string }>).filter(([k]) => suffix && k.endsWith(suffix));
  if (all.length === 0) return undefined;
  return all.map(([, t]) => t).reduce((a, b) => (b.value > a.value ? b : a));
}

function summary(runs: BenchResult[]): string {
  if (runs.length === 0) return "No run recorded yet.";
  const name = (r: BenchResult) => `${r.db === "sqlite" ? "SQLite" : "PostgreSQL"}, ${r.date.slice(0, 16).replace("T", " ")}`;
  const cell = (r: BenchResult, key: string) => {
    const t = r.targets[key] ?? worst(r, key);
    return t ? (met(t.value, t.target) === "met" ? `${t.value}` : `**${t.value}**`) : "–";
  };
  const rows = TARGET_ROWS.map(
    ([key, label]) =>
      `| ${label(runs[0])} | ${runs.map((r) => cell(r, key)).join(" | ")} | ${(runs[0].targets[key] ?? worst(runs[0], key))?.target ?? ""} |`,
  );
  const flood = (r: BenchResult, k: "flooded" | "floodedKnown") => (r.logInDuringFlood ? `${r.logInDuringFlood[k].p95Ms}` : "–");
  const peakRss = (r: BenchResult) => Math.max(...Object.values(r.loads as Record<string, Load>).map((l) => l.peakRssMb));
  const durable = (r: BenchResult, k: "login" | "register") => {
    const d: DurabilityRuns | undefined = r.durability;
    if (!d) return "–";
    const rate = (xs: Load[]) => xs.reduce((sum, x) => sum + x.exactRps, 0);
    return `${Math.round((rate(d.full[k]) / rate(d.normal[k])) * 100) / 100}`;
  };
  const extra = [
    `| durable commits (\`synchronous = FULL\`) ÷ \`NORMAL\`: log-ins/s | ${runs.map((r) => durable(r, "login")).join(" | ")} | |`,
    `| the same: registrations/s | ${runs.map((r) => durable(r, "register")).join(" | ")} | |`,
    `| seeding the directory's users, logins and sessions, s | ${runs.map((r) => r.seedSeconds?.large ?? "–").join(" | ")} | |`,
    `| peak RSS under any load (the log-in storm's hashing included), MB | ${runs.map(peakRss).join(" | ")} | |`,
    `| a returning browser's log-in during a flood of wrong guesses, p95 ms | ${runs.map((r) => flood(r, "floodedKnown")).join(" | ")} | |`,
    `| a new browser's log-in during that flood, p95 ms | ${runs.map((r) => flood(r, "flooded")).join(" | ")} | |`,
  ];
  return `| Latest run (bold: target not met) | ${runs.map(name).join(" | ")} | Target |
| --- | ${runs.map(() => "---").join(" | ")} | --- |
${[...rows, ...extra].join("\n")}

Every table of each run: ${runs.map((r) => `[${r.db}](../bench/results/${r.db}.md)`).join(", ")}.`;
}

if (process.argv[1]?.endsWith("bench-report.ts")) console.log(`wrote ${rewriteReports().join(", ")}`);
