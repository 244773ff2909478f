// The alert's and the completion's picture: the whole switchover from the journal's applied changes and
// baseline, and CloudWatch re-read for its minutes; drawn in-process and read back as pixels.
import { InProcessChartRenderer } from '../../src/adapters/charts/in-process';
import { LIMIT_COLOUR, SIDE_COLOURS, WEIGHT_COLOUR } from '../../src/charts/panels';
import type { ChartRenderer, ChartSpec } from '../../src/core/ports';
import { createLogger } from '../../src/logger';
import { MAX_CHART_MINUTES, SwitchoverCharts, switchoverWindow } from '../../src/slack/switchover-charts';
import { fakeDeps } from '../support/fake-ports';
import { readPng } from '../support/png';
import { at, switchoverJournal, switchoverSnapshot } from '../support/switchover-data';
import { MINUTE_MS } from '../../src/core/types';

const logger = createLogger({ level: 'silent' });
const MARGINS = { errorRatePoints: 1, p99Factor: 2 };

type Config = {
  data: { labels: string[]; datasets: Array<{ label: string; data: (number | null)[] }> };
  options: { plugins: { annotation: { annotations: Record<string, { label: { content: string } }> } } };
};

function setup(charts: ChartRenderer) {
  const deps = fakeDeps({ charts });
  deps.journal.records = switchoverJournal();
  const { window: _, ...data } = switchoverSnapshot();
  deps.metrics.script = () => structuredClone(data);
  return { deps, charts: new SwitchoverCharts(deps, MARGINS, logger) };
}

/** A renderer that keeps what it was asked to draw. */
function keeping(): ChartRenderer & { specs: ChartSpec[] } {
  const specs: ChartSpec[] = [];
  return { specs, render: async (spec) => (specs.push(spec), Buffer.from('png')) };
}

describe('switchoverWindow', () => {
  it('starts 15 minutes before the first change of the switchover in progress', () => {
    expect(switchoverWindow(switchoverJournal(), 'dev', at(60))).toEqual({ start: at(5), end: at(60) });
  });

  it('starts with the newest move off the source (core/changes.ts switchoverStart)', () => {
    const later = switchoverJournal().map((r) => ({ ...r, at: new Date(Date.parse(r.at) + 90 * MINUTE_MS).toISOString(), ...('requestId' in r ? { requestId: `${r.requestId}b` } : {}) }));
    expect(switchoverWindow([...switchoverJournal(), ...later], 'dev', at(150))).toEqual({ start: at(95), end: at(150) });
  });

  it('reaches back at most 12 hours, and an hour without any applied change', () => {
    expect(switchoverWindow(switchoverJournal(), 'dev', at(20 * 60))).toEqual({ start: at(20 * 60) - MAX_CHART_MINUTES * MINUTE_MS, end: at(20 * 60) });
    expect(switchoverWindow([], 'dev', at(60))).toEqual({ start: at(0), end: at(60) });
  });
});

describe('SwitchoverCharts', () => {
  it('reads CloudWatch for the whole switchover and draws the weights and guardrail lines from the journal', async () => {
    const renderer = keeping();
    const { deps, charts } = setup(renderer);
    const drawn = await charts.draw({ stage: 'dev', moment: 'completion', end: at(60) });
    expect(drawn.note).toBeUndefined();
    expect(deps.metrics.calls).toEqual([{ start: at(5), end: at(60) }]);
    const config = renderer.specs[0]!.config as unknown as Config;
    expect(config.data.labels).toHaveLength(55);
    const weight = config.data.datasets.find((d) => d.label === 'configured weight')!.data;
    expect([weight[0], weight[14], weight[15], weight[35], weight[54]]).toEqual([0, 0, 10, 100, 100]);
    const notes = config.options.plugins.annotation.annotations;
    expect(notes.change0_yShare!.label.content).toBe('11:20 shift 10%');
    expect(notes.change1_yShare!.label.content).toBe('11:40 shift 100%');
    expect(notes.limit_yErrors!.label.content).toBe('baseline + 1 pt = 1.2%');
    expect(notes.limit_yLatency!.label.content).toBe('baseline × 2 = 320 ms');
  });

  it('draws it: the configured weight before the first change, and both guardrail lines', async () => {
    const { charts } = setup(new InProcessChartRenderer());
    const drawn = await charts.draw({ stage: 'dev', moment: 'alert', end: at(55), breach: 'breach: 5xx rate' });
    expect(drawn.note).toBeUndefined();
    const picture = await readPng(drawn.images[0]!.png);
    const rows = (from: number, to: number, x1 = picture.width) => ({ x0: 0, x1, y0: Math.round(picture.height * from), y1: Math.round(picture.height * to) });
    // The share panel's left quarter is before the first change: the grey weight line at 0 %, no target share yet.
    expect(picture.count(WEIGHT_COLOUR, rows(0.16, 0.42, picture.width / 4), 10)).toBeGreaterThan(50);
    expect(picture.count(SIDE_COLOURS.target, rows(0.16, 0.42))).toBeGreaterThan(500);
    expect(picture.count(LIMIT_COLOUR, rows(0.44, 0.62))).toBeGreaterThan(100);
    expect(picture.count(LIMIT_COLOUR, rows(0.67, 0.86))).toBeGreaterThan(100);
  });

  it('says why there is no chart when CloudWatch cannot be read, or never answers', async () => {
    const { deps, charts } = setup(keeping());
    deps.metrics.script = () => {
      throw new Error('AccessDenied');
    };
    expect(await charts.draw({ stage: 'dev', moment: 'alert', end: at(55) })).toEqual({ images: [], note: 'The chart could not be drawn: the metrics could not be read (AccessDenied).' });
    deps.metrics.snapshot = () => new Promise(() => undefined);
    const hung = charts.draw({ stage: 'dev', moment: 'alert', end: at(55) });
    await deps.clock.advance(30_000);
    expect(await hung).toEqual({ images: [], note: 'The chart could not be drawn: CloudWatch did not answer within 30 s.' });
  });

  it('still draws without the journal, over the last hour', async () => {
    const renderer = keeping();
    const { deps, charts } = setup(renderer);
    deps.journal.readAll = () => Promise.reject(new Error('EIO'));
    const drawn = await charts.draw({ stage: 'dev', moment: 'completion', end: at(60) });
    expect(drawn.images).toHaveLength(1);
    expect(deps.metrics.calls).toEqual([{ start: at(0), end: at(60) }]);
  });
});
