// Process metrics for operators and the benchmarks: event-loop delay and peak
// memory since the last reset. Served at /api/metrics only when METRICS_TOKEN
// is set, to callers presenting it.
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

type State = { histogram: IntervalHistogram; peakRss: number; timer: NodeJS.Timeout };

const holder = globalThis as unknown as { __accountsMetrics?: State };

function state(): State {
  if (!holder.__accountsMetrics) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const s: State = { histogram, peakRss: process.memoryUsage.rss(), timer: setInterval(() => sample(), 100) };
    s.timer.unref();
    holder.__accountsMetrics = s;
  }
  return holder.__accountsMetrics;
}

function sample() {
  const s = holder.__accountsMetrics;
  if (s) s.peakRss = Math.max(s.peakRss, process.memoryUsage.rss());
}

export function startRuntimeMetrics(): void {
  state();
}

export function readRuntimeMetrics(reset: boolean) {
  const s = state();
  sample();
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  const out = {
    eventLoopDelayMs: { p50: ms(s.histogram.percentile(50)), p99: ms(s.histogram.percentile(99)), max: ms(s.histogram.max) },
    rssBytes: process.memoryUsage.rss(),
    peakRssBytes: s.peakRss,
  };
  if (reset) {
    s.histogram.reset();
    s.peakRss = process.memoryUsage.rss();
  }
  return out;
}
