// Prep's picture (runbook steps 4-6): the source proxy's baseline window as panels on one time axis, requests
// per minute, 5xx rate and p99, with the baseline's figures and the connection reuse stated in the headline.
// Pure data (see panels.ts).
import { connectionReuse } from '../core/baseline';
import type { Baseline } from '../core/journal';
import { hhmm, msText, percentText } from '../core/format';
import type { ChartSpec } from '../core/ports';
import { MINUTE_MS, type MetricsSnapshot } from '../core/types';
import { alignToMinutes, hasData, rounded } from './common';
import { panelChart, SIDE_COLOURS, WEIGHT_COLOUR, type Panel } from './panels';
import { errorRatePercent } from './switchover';

function headline(stage: string, baseline: Baseline | undefined): string[] {
  if (!baseline || baseline.minutesWithTraffic === 0) return [`${stage} · prep · no baseline: no requests in the window`];
  const errors = baseline.errorRate5xx === null ? 'n/a' : percentText(baseline.errorRate5xx * 100);
  const p99 = baseline.latencyP99 === null ? 'n/a' : msText(baseline.latencyP99);
  const reuse = connectionReuse(baseline);
  const perConnection =
    reuse === undefined
      ? 'connection reuse unknown'
      : reuse.requestsPerNewConnection === null
        ? `no new connections: reuse ${reuse.reading}`
        : `${reuse.requestsPerNewConnection >= 10 ? Math.round(reuse.requestsPerNewConnection) : rounded(reuse.requestsPerNewConnection, 1)} requests per new connection: reuse ${reuse.reading}`;
  return [
    `${stage} · baseline ${Math.round(baseline.requestsPerMinute)} req/min · 5xx ${errors} · p99 ${p99}`,
    perConnection,
  ];
}

/** Prep's chart of the source proxy over the baseline window; undefined when the window had no requests data. */
export function prepChart(stage: string, snapshot: MetricsSnapshot, baseline?: Baseline): ChartSpec | undefined {
  const { window } = snapshot;
  const requests = alignToMinutes(snapshot.source.requests, window);
  if (!hasData(requests)) return undefined;
  const minutes = Math.round((window.end - window.start) / MINUTE_MS);
  const flat = (value: number | null | undefined, label: string) =>
    value === null || value === undefined ? [] : [{ label, data: requests.map(() => rounded(value, 2)), colour: WEIGHT_COLOUR, dashed: true, width: 2 }];
  const source = (data: (number | null)[]) => ({ label: 'source proxy', data, colour: SIDE_COLOURS.source });
  const p99 = alignToMinutes(snapshot.source.latencyP99, window, 1000).map((v) => (v === null ? null : rounded(v, 1)));
  const panels: Panel[] = [
    { id: 'yRequests', title: 'requests/min', unit: 'perMinute', lines: [...flat(baseline?.requestsPerMinute, 'baseline'), source(requests)] },
    {
      id: 'yErrors',
      title: '5xx rate',
      unit: 'percent',
      atLeast: 1,
      lines: [...flat(baseline?.errorRate5xx === null || !baseline ? null : baseline.errorRate5xx * 100, 'baseline'), source(errorRatePercent(snapshot, 'source'))],
    },
    {
      id: 'yLatency',
      title: 'p99',
      unit: 'millisecond',
      lines: [...flat(baseline?.latencyP99 === null || !baseline ? null : baseline.latencyP99 * 1000, 'baseline'), source(p99)],
    },
  ];
  return panelChart({
    title: headline(stage, baseline),
    subtitle: [`source proxy (blue), baseline dashed · ${hhmm(window.start)}-${hhmm(window.end)} UTC, ${minutes} min`],
    filename: `${stage}-prep.png`,
    window,
    panels,
    markers: [],
  });
}
