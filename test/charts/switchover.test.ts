import { InProcessChartRenderer } from '../../src/adapters/charts/in-process';
import { guardrailLimits } from '../../src/charts/status';
import { headlineWindow, switchoverChart } from '../../src/charts/switchover';
import { SIDE_COLOURS, LIMIT_COLOUR, MARKER_COLOUR } from '../../src/charts/panels';
import type { Baseline } from '../../src/core/journal';
import type { MetricsSnapshot } from '../../src/core/types';
import { chartJs4Problems } from '../support/chart-config';
import { readPng, type Picture } from '../support/png';
import { CHANGES, at, switchoverSnapshot } from '../support/switchover-data';

const baseline = { minutesWithTraffic: 30, requestsPerMinute: 1000, errorRate5xx: 0.002, latencyP99: 0.16 } as Baseline;

type Config = {
  data: { labels: string[]; datasets: Array<{ label: string; data: (number | null)[]; yAxisID: string; stepped?: string }> };
  options: { scales: Record<string, { max?: number }>; plugins: { title: { text: string[] }; subtitle: { text: string[] }; annotation: { annotations: Record<string, any> } } };
};

/** Rows of the picture's vertical band [from, to) (fractions of its height): where a panel is drawn. */
function band(p: Picture, from: number, to: number) {
  return { x0: 0, x1: p.width, y0: Math.round(p.height * from), y1: Math.round(p.height * to) };
}

describe('switchoverChart', () => {
  const renderer = new InProcessChartRenderer();

  it('stacks share, 5xx and p99 panels on one time axis, with the weight as steps and every change marked', () => {
    const spec = switchoverChart({ stage: 'dev', moment: 'status', snapshot: switchoverSnapshot(), changes: CHANGES, configuredPercent: 100, limits: guardrailLimits(baseline, { errorRatePoints: 1, p99Factor: 2 }) })!;
    expect(chartJs4Problems(spec)).toEqual([]);
    const config = spec.config as unknown as Config;
    expect(config.data.labels).toHaveLength(55); // from 15 minutes before the first change (11:20)
    expect(config.data.labels.filter((l) => l !== '')).toEqual(['11:10', '11:20', '11:30', '11:40', '11:50']);
    const byPanel = (id: string) => config.data.datasets.filter((d) => d.yAxisID === id).map((d) => d.label);
    expect(byPanel('yShare')).toEqual(['configured weight', 'target proxy']);
    expect(byPanel('yErrors')).toEqual(['source proxy', 'target proxy']);
    expect(byPanel('yLatency')).toEqual(['source proxy', 'target proxy']);
    const weight = config.data.datasets.find((d) => d.label === 'configured weight')!;
    expect([weight.data[0], weight.data[15], weight.data[34], weight.data[35], weight.data[54]]).toEqual([0, 10, 10, 100, 100]);
    expect(weight.stepped).toBe('before');
    const share = config.data.datasets.find((d) => d.yAxisID === 'yShare' && d.label === 'target proxy')!;
    expect([share.data[0], share.data[20], share.data[40]]).toEqual([0, 10, 100]);
    // A minute without data is a gap, never a zero.
    expect(config.data.datasets.find((d) => d.yAxisID === 'yErrors' && d.label === 'source proxy')!.data[40]).toBeNull();
    const notes = config.options.plugins.annotation.annotations;
    for (const panel of ['yShare', 'yErrors', 'yLatency']) {
      expect(notes[`change0_${panel}`]).toMatchObject({ xMin: 15, xMax: 15, yScaleID: panel, label: { display: true } });
      expect(notes[`change1_${panel}`]).toMatchObject({ xMin: 35 });
    }
    expect(notes.change0_yShare.label.content).toBe('11:20 shift 10%');
    expect(notes.limit_yErrors).toMatchObject({ yMin: 1.2, label: { content: 'baseline + 1 pt = 1.2%' } });
    expect(notes.limit_yLatency).toMatchObject({ yMin: 320, label: { content: 'baseline × 2 = 320 ms' } });
    expect(config.options.plugins.title.text).toEqual([
      'dev · 100% of requests on the target',
      '5xx idle vs 6% · p99 idle vs 200 ms (source vs target)',
    ]);
    expect(config.options.plugins.subtitle.text).toEqual(['figures over 11:55-12:00 UTC, the last 5 min, all after the 100% shift at 11:40', 'blue: source proxy · orange: target proxy']);
  });

  it('states the figures of both sides while traffic is split', () => {
    const snapshot = switchoverSnapshot();
    snapshot.window.end = at(30);
    const spec = switchoverChart({ stage: 'dev', moment: 'status', snapshot, changes: CHANGES })!;
    expect((spec.config as unknown as Config).options.plugins.title.text).toEqual([
      'dev · 10% of requests on the target',
      '5xx 0.22% vs 1% · p99 160 ms vs 200 ms (source vs target)',
    ]);
  });

  it("states the figures of the minutes since the newest change, never straddling it, and says which", () => {
    const snapshot = switchoverSnapshot();
    snapshot.window.end = at(43); // the 100% shift at 11:40:05; the last 5 minutes would mix 10% and 100%
    const config = switchoverChart({ stage: 'dev', moment: 'alert', snapshot, changes: CHANGES, breach: 'breach: 5xx rate' })!.config as unknown as Config;
    expect(config.options.plugins.title.text[0]).toBe('GUARDRAIL BREACH · dev · 100% of requests on the target');
    expect(config.options.plugins.subtitle.text).toEqual([
      'figures over 11:41-11:43 UTC, the 2 min since the 100% shift at 11:40',
      'breach: 5xx rate · blue: source proxy · orange: target proxy',
    ]);
    expect(headlineWindow(at(41), CHANGES)).toEqual({ start: at(40), end: at(41), words: '11:40-11:41 UTC, the minute of the 100% shift at 11:40 (partly before it)' });
    expect(headlineWindow(at(15), CHANGES)).toEqual({ start: at(10), end: at(15), words: '11:10-11:15 UTC, the last 5 min' });
  });

  it('draws it: the right size, on white, each panel with its sides, limits and markers', async () => {
    const spec = switchoverChart({ stage: 'dev', moment: 'alert', snapshot: switchoverSnapshot(), changes: CHANGES, breach: 'target 5xx 6% (60 of 1000)', limits: guardrailLimits(baseline, { errorRatePoints: 1, p99Factor: 2 }) })!;
    const picture = await readPng(await renderer.render(spec));
    expect([picture.width, picture.height]).toEqual([spec.width * 2, spec.height * 2]);
    expect(picture.at(1, 1)).toEqual([255, 255, 255, 255]);
    const share = band(picture, 0.16, 0.4);
    const errors = band(picture, 0.44, 0.62);
    const latency = band(picture, 0.67, 0.86);
    expect(picture.count(SIDE_COLOURS.target, share)).toBeGreaterThan(500);
    expect(picture.count(SIDE_COLOURS.source, share)).toBe(0); // the share panel is the target's share only
    for (const panel of [errors, latency]) {
      expect(picture.count(SIDE_COLOURS.source, panel)).toBeGreaterThan(500);
      expect(picture.count(SIDE_COLOURS.target, panel)).toBeGreaterThan(500);
      expect(picture.count(LIMIT_COLOUR, panel)).toBeGreaterThan(100);
    }
    for (const panel of [share, errors, latency]) expect(picture.count(MARKER_COLOUR, panel, 12)).toBeGreaterThan(100);
  });

  it('labels a switchover of hours every hour or two, so the labels stay apart', () => {
    const snapshot = switchoverSnapshot();
    snapshot.window = { start: at(0), end: at(12 * 60) };
    const labels = (switchoverChart({ stage: 'dev', moment: 'completion', snapshot, changes: CHANGES })!.config as unknown as Config).data.labels.filter((l) => l !== '');
    expect(labels).toEqual(['12:00', '14:00', '16:00', '18:00', '20:00', '22:00']);
  });

  it('is left out when CloudWatch had no requests at all', () => {
    const snapshot: MetricsSnapshot = { window: { start: at(0), end: at(60) }, source: {}, target: {}, loadBalancer: {}, missing: [] };
    expect(switchoverChart({ stage: 'dev', moment: 'status', snapshot, changes: [] })).toBeUndefined();
  });
});
