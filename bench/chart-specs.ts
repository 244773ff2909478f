// The charts the bench draws: a prep, a status and a guardrail alert picture of a 60-minute switchover (10 %
// from minute 20, 100 % from 40, target 5xx rising at 50), shared by the fresh chart process and the app's.
import { prepChart } from '../src/charts/prep';
import { switchoverChart } from '../src/charts/switchover';
import { computeBaseline } from '../src/core/baseline';
import type { ChartSpec } from '../src/core/ports';
import { MINUTE_MS, type MetricsSnapshot } from '../src/core/types';

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

/** One picture of each kind the bot draws. */
export function benchChartSpecs(): Record<'prep' | 'status' | 'alert', ChartSpec> {
  const snap = snapshot();
  const prepWindow: MetricsSnapshot = { ...snap, window: { start: at(0), end: at(30) } };
  const changes = [
    { at: at(20), label: 'shift 10%', targetPercent: { before: 0, after: 10 } },
    { at: at(40), label: 'shift 100%', targetPercent: { before: 10, after: 100 } },
  ];
  return {
    prep: prepChart('dev', prepWindow, computeBaseline(prepWindow))!,
    status: switchoverChart({ stage: 'dev', moment: 'status', snapshot: snap, changes })!,
    alert: switchoverChart({ stage: 'dev', moment: 'alert', snapshot: snap, changes, breach: 'breach: 5xx rate' })!,
  };
}
