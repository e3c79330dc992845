// Process metrics for operators and the benchmarks: event-loop delay, the
// tRPC API's server time and peak memory since the last reset. Served at
// /api/metrics only when METRICS_TOKEN is set, to callers presenting it.
import { createHistogram, type IntervalHistogram, monitorEventLoopDelay, type RecordableHistogram } from "node:perf_hooks";

type State = { histogram: IntervalHistogram; apiTime: RecordableHistogram; peakRss: number; timer: NodeJS.Timeout };

const holder = globalThis as unknown as { __accountsMetrics?: State };

function state(): State {
  if (!holder.__accountsMetrics) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const s: State = { histogram, apiTime: createHistogram(), peakRss: process.memoryUsage.rss(), timer: setInterval(() => sample(), 100) };
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

/** Stops sampling (a server closing in a process that goes on, as in the tests). */
export function stopRuntimeMetrics(): void {
  const s = holder.__accountsMetrics;
  if (!s) return;
  s.histogram.disable();
  clearInterval(s.timer);
  holder.__accountsMetrics = undefined;
}

/** Counts one tRPC request's server time, once the metrics run (METRICS_TOKEN set). */
export function recordApiTime(ms: number): void {
  holder.__accountsMetrics?.apiTime.record(Math.max(1, Math.round(ms * 1000))); // microseconds
}

export function readRuntimeMetrics(reset: boolean) {
  const s = state();
  // One reading for both figures: a second one, taken a moment later, could
  // exceed the peak it is reported beside.
  const rss = process.memoryUsage.rss();
  s.peakRss = Math.max(s.peakRss, rss);
  const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
  const out = {
    eventLoopDelayMs: { p50: ms(s.histogram.percentile(50)), p99: ms(s.histogram.percentile(99)), max: ms(s.histogram.max) },
    // The server time of tRPC requests (what Server-Timing says outside production).
    apiTimeMs: { count: s.apiTime.count, p50: ms(s.apiTime.percentile(50) * 1000), p99: ms(s.apiTime.percentile(99) * 1000) },
    rssBytes: rss,
    peakRssBytes: s.peakRss,
  };
  if (reset) {
    s.histogram.reset();
    s.apiTime.reset();
    s.peakRss = process.memoryUsage.rss();
  }
  return out;
}
