// The "before and after" table of docs/BENCHMARKS.md: each figure the
// million-user work set out to change, as it was measured before it (by the
// outside benchmark that asked for the work, at 1M users on both databases,
// and by this benchmark's last runs before it) and in the latest runs.
// Rewritten by scripts/bench-report.ts with the summary.

/** What `npm run bench` records (older runs may lack the later fields). */
type BenchResult = any;

type Row = {
  figure: string;
  /** Before, SQLite and PostgreSQL (text: the source's own figure). */
  before: [string, string];
  after: (r: BenchResult) => string | number | undefined;
  target: string;
};

const at = (key: string) => (r: BenchResult) => r.targets?.[key]?.value;
const scale = (r: BenchResult) => `${(r.settings?.scaleUsers ?? 0) / 1000}k`;

const ROWS: Row[] = [
  {
    figure: "`admin.listUsers`, a page half-way down by cursor, p50 ms",
    before: ["85.5 (90 % down)", "90.0 (90 % down)"],
    after: at("listMiddleAtScaleMs"),
    target: "<= 5",
  },
  { figure: "the same, the last page", before: ["–", "–"], after: at("listLastAtScaleMs"), target: "<= 5" },
  { figure: "a common fragment (~2.9k matches), p50 ms", before: ["28.9", "57.4"], after: at("searchCommonAtScaleMs"), target: "<= 5" },
  { figure: "an address's start, p50 ms", before: ["–", "–"], after: at("searchEmailPrefixAtScaleMs"), target: "<= 5" },
  {
    figure: "one letter / two letters, p50 ms",
    before: ["–", "–"],
    after: (r) =>
      r.targets?.searchOneCharAtScaleMs && `${r.targets.searchOneCharAtScaleMs.value} / ${r.targets.searchTwoCharAtScaleMs.value}`,
    target: "<= 5",
  },
  {
    figure: "slowest page or search, 1M ÷ 1k",
    before: ["req/s 76× lower (deep page)", "req/s 35× lower (deep page)"],
    after: (r) => largest(r, "ScaleRatio"),
    target: "<= 1.5",
  },
  {
    figure: "`session.validate` p99 with an admin paging and searching ÷ without",
    before: ["the page's own p99 under load: 7,068 ms", "1,091 ms"],
    after: at("validateP99UnderAdminLoad"),
    target: "<= 1.5",
  },
  {
    figure: "`session.validate` p99 while a million expired sessions are pruned ÷ after",
    before: ["a round never let a request in", "–"],
    after: at("validateP99DuringPruning"),
    target: "<= 1.5",
  },
  { figure: "seeding 1M users, logins and sessions, s", before: ["183", "169"], after: (r) => r.seedSeconds?.large, target: "< 120" },
  { figure: "idle RSS, MB", before: ["236", "236"], after: at("idleRssMb"), target: "<= 150" },
  { figure: "peak RSS under the validation storm, MB", before: ["384–578", "384–578"], after: at("validatePeakRssMb"), target: "<= 250" },
  { figure: "cold start to the first answer, ms", before: ["1,570", "1,570"], after: at("coldStartMs"), target: "<= 600" },
  {
    figure: "log-in storm ÷ what the load generator's process hashes on all cores",
    before: ["0.79", "0.567"],
    after: at("loginOfParallelHashing"),
    target: ">= 0.80",
  },
  { figure: "event-loop p99 during the log-in storm, ms", before: ["28.03", "23.18"], after: at("loginEventLoopP99Ms"), target: "< 50" },
];

function largest(r: BenchResult, suffix: string): number | undefined {
  const values = Object.entries(r.targets ?? {})
    .filter(([k]) => k.endsWith(suffix))
    .map(([, t]) => (t as { value: number }).value);
  return values.length ? Math.max(...values) : undefined;
}

/** The table, from the latest run of each database (either may be missing). */
export function beforeAfterTable(runs: { sqlite?: BenchResult; postgres?: BenchResult }): string {
  const after = (r: BenchResult | undefined, row: Row) => (r ? (row.after(r) ?? "–") : "not run");
  const head = `| Figure | before: SQLite | before: PostgreSQL | after: SQLite${runs.sqlite ? ` (${scale(runs.sqlite)})` : ""} | after: PostgreSQL${runs.postgres ? ` (${scale(runs.postgres)})` : ""} | target |
| --- | --- | --- | --- | --- | --- |`;
  return [
    head,
    ...ROWS.map(
      (row) =>
        `| ${row.figure} | ${row.before[0]} | ${row.before[1]} | ${after(runs.sqlite, row)} | ${after(runs.postgres, row)} | ${row.target} |`,
    ),
  ].join("\n");
}
