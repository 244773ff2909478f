// Child process of the bench: the in-process chart renderer as the bot runs it (compiled), drawing each chart
// kind (prep, status, guardrail alert) several times. Prints JSON: the median draw time per kind and the
// process's RSS before the renderer was loaded and after the draws, so the bench can say what it adds to the bot.
import { InProcessChartRenderer } from '../src/adapters/charts/in-process';
import { prepChart } from '../src/charts/prep';
import { switchoverChart } from '../src/charts/switchover';
import { computeBaseline } from '../src/core/baseline';
import type { ChartSpec } from '../src/core/ports';
import { MINUTE_MS, type MetricsSnapshot } from '../src/core/types';

const DRAWS = 5;
const START = Date.UTC(2026, 0, 1, 11, 0);
const at = (m: number) => START + m * MINUTE_MS;
const series = (from: number, to: number, v: (m: number) => number) => Array.from({ length: to - from }, (_, i) => ({ t: at(from + i), v: v(from + i) }));

function snapshot(): MetricsSnapshot {
  const share = (m: number) => (m < 20 ? 0 : m < 40 ? 0.1 : 1);
  const noise = (m: number) => 1 + 0.05 * Math.sin(m * 1.7);
  return {
    window: { start: at(0), end: at(60) },
    source: { requests: series(0, 45, (m) => 1200 * (1 - share(m)) * noise(m) + 1), http5xx: series(0, 45, () => 2), latencyP99: series(0, 45, (m) => 0.2 * noise(m)) },
    target: { requests: series(20, 60, (m) => 1200 * share(m) * noise(m)), http5xx: series(20, 60, (m) => (m > 50 ? 40 : 1)), latencyP99: series(20, 60, (m) => 0.16 * noise(m)) },
    loadBalancer: { activeConnections: series(0, 60, () => 190), newConnections: series(0, 60, () => 130) },
    missing: [],
  };
}

async function main(): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const renderer = new InProcessChartRenderer();
  const snap = snapshot();
  const prepWindow: MetricsSnapshot = { ...snap, window: { start: at(0), end: at(30) } };
  const changes = [
    { at: at(20), label: 'shift 10%', targetPercent: { before: 0, after: 10 } },
    { at: at(40), label: 'shift 100%', targetPercent: { before: 10, after: 100 } },
  ];
  const kinds: Record<string, ChartSpec> = {
    prep: prepChart('dev', prepWindow, computeBaseline(prepWindow))!,
    status: switchoverChart({ stage: 'dev', moment: 'status', snapshot: snap, changes })!,
    alert: switchoverChart({ stage: 'dev', moment: 'alert', snapshot: snap, changes, breach: 'breach: 5xx rate' })!,
  };
  const ms: Record<string, number> = {};
  for (const [kind, spec] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let i = 0; i < DRAWS; i++) {
      const t0 = performance.now();
      await renderer.render(spec);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    ms[kind] = times[Math.floor(times.length / 2)]!;
  }
  const mb = (bytes: number) => bytes / 1024 / 1024;
  process.stdout.write(JSON.stringify({ ms, draws: DRAWS, rssBeforeMb: mb(rssBefore), rssAfterMb: mb(process.memoryUsage().rss) }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
