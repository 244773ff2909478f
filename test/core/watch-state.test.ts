import type { JournalRecord, WatchStarted } from '../../src/core/journal';
import { MINUTE_MS } from '../../src/core/types';
import { watchState } from '../../src/core/watch-state';
import { watchStateText } from '../../src/blocks/status';
import { analyzeTick, watchWindow, type WatchInfo } from '../../src/core/watch-tick';
import { type MinuteScript, scripted, WATCH_SETTINGS } from '../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (t: number) => new Date(t).toISOString();
const watch: WatchInfo = {
  stage: 'dev',
  requestId: 'r-0000000002',
  channel: 'C1',
  threadTs: '1.2',
  appliedWeights: { source: 50, target: 50 },
  appliedAt: T0 + 10_000,
  mode: 'shift',
  until: T0 + 60 * MINUTE_MS,
};

const started = (requestId: string, at = T0): JournalRecord => ({
  type: 'watch.started',
  at: iso(at),
  stage: 'dev',
  requestId,
  channel: 'C1',
  threadTs: '1.2',
  until: iso(at + 60 * MINUTE_MS),
  appliedWeights: { source: 50, target: 50 },
  appliedAt: iso(at + 10_000),
});

const healthy = { side: 'target' as const, summary: { total: 2, healthy: 2, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] } };

/** A tick after `minutesAfter` minutes whose target answers 5xx from 12:03 on when `spike`. */
function tickAt(minutesAfter: number, spike: boolean) {
  const script: MinuteScript = (t) => ({
    source: { requests: 500, http5xx: 1, latencyP99: 0.1 },
    target: { requests: 500, http5xx: spike && t >= T0 + 3 * MINUTE_MS ? 100 : 1, latencyP99: 0.1 },
  });
  const window = watchWindow(watch.appliedAt, T0 + minutesAfter * MINUTE_MS);
  return analyzeTick({ watch, at: window.end + 60_000, window, snapshot: { window, ...scripted(window, script) }, health: healthy, baseline: undefined, settings: WATCH_SETTINGS });
}

describe('watchState', () => {
  it('is undefined for a stage never watched', () => {
    expect(watchState([started('r-0000000001')], 'staging')).toBeUndefined();
  });

  it('lists the breaches the watch journalled for the newest watch, with their alert messages, after a restart too', () => {
    const records: JournalRecord[] = [
      started('r-0000000001', T0 - 90 * MINUTE_MS),
      { type: 'guardrail.breached', at: iso(T0 - 80 * MINUTE_MS), stage: 'dev', requestId: 'r-0000000001', guardrail: 'p99-latency', detail: 'old' },
      started('r-0000000002'),
      { type: 'guardrail.breached', at: iso(T0 + 5 * MINUTE_MS), stage: 'dev', requestId: 'r-0000000002', guardrail: 'error-rate', detail: 'target proxy 5xx rate 20%, 20%', since: iso(T0 + 3 * MINUTE_MS) },
      { type: 'guardrail.alert-posted', at: iso(T0 + 5 * MINUTE_MS), stage: 'dev', requestId: 'r-0000000002', guardrail: 'error-rate', channel: 'C1', messageTs: '1767269100.000200' },
    ];
    const state = watchState(records, 'dev')!;
    expect(state).toMatchObject({ requestId: 'r-0000000002', appliedAt: T0 + 10_000, until: T0 + 60 * MINUTE_MS });
    expect(state.latest).toBeUndefined();
    expect(state.breaches).toEqual([
      { guardrail: 'error-rate', detail: 'target proxy 5xx rate 20%, 20%', since: T0 + 3 * MINUTE_MS, ongoing: null, alert: { channel: 'C1', messageTs: '1767269100.000200' } },
    ]);
  });

  it("takes the watch's newest tick as its judgement, and marks which breaches it still shows", () => {
    const records: JournalRecord[] = [
      started('r-0000000002'),
      { type: 'guardrail.breached', at: iso(T0 + 5 * MINUTE_MS), stage: 'dev', requestId: 'r-0000000002', guardrail: 'unhealthy-targets', detail: '1 of 2 targets not healthy' },
    ];
    const tick = tickAt(5, true); // minutes 12:03 and 12:04 breach the 5xx guardrail
    expect(tick.evaluation.state).toBe('breach');
    const state = watchState(records, 'dev', tick)!;
    expect(state.latest).toEqual({ at: tick.at, minute: T0 + 4 * MINUTE_MS, evaluation: tick.evaluation });
    // The 5xx breach was not journalled (its record failed to write): the tick still shows it.
    expect(state.breaches).toEqual([
      expect.objectContaining({ guardrail: 'unhealthy-targets', ongoing: false }),
      // Since: the start of the judge's window that shows it (the journal keeps the first one, when it has it).
      expect.objectContaining({ guardrail: 'error-rate', since: T0 + 4 * MINUTE_MS, ongoing: true, detail: expect.stringContaining('12:04-12:05 UTC') }),
    ]);
  });

  it('ignores a tick of another watch, and says when the watch ended', () => {
    const records: JournalRecord[] = [
      started('r-0000000009'),
      { type: 'watch.ended', at: iso(T0 + 61 * MINUTE_MS), stage: 'dev', requestId: 'r-0000000009', reason: 'window-elapsed' },
    ];
    const state = watchState(records, 'dev', tickAt(5, false))!;
    expect(state.requestId).toBe('r-0000000009');
    expect(state.latest).toBeUndefined();
    expect(state.ended).toEqual({ reason: 'window-elapsed', at: T0 + 61 * MINUTE_MS });
  });

  it('works from the tick alone when the journal could not be read', () => {
    const tick = tickAt(4, false);
    const state = watchState([], 'dev', tick)!;
    expect(state).toMatchObject({ requestId: 'r-0000000002', appliedAt: watch.appliedAt, until: watch.until, breaches: [] });
    expect(state.latest?.evaluation.state).not.toBe('breach');
  });
});

describe('watchState, when the newest tick could not read a signal or the journal holds bad values', () => {
  const breached = (guardrail: string, extra: Partial<Record<'since' | 'at', string>> = {}): JournalRecord => ({
    type: 'guardrail.breached',
    at: extra.at ?? iso(T0 + 5 * MINUTE_MS),
    stage: 'dev',
    requestId: 'r-0000000002',
    guardrail,
    detail: `${guardrail} breached`,
    ...(extra.since !== undefined ? { since: extra.since } : {}),
  });

  it('does not call a breach cleared when the newest tick had no data for it (as the watch keeps its episode open)', () => {
    const window = watchWindow(watch.appliedAt, T0 + 5 * MINUTE_MS);
    const tick = analyzeTick({ watch, at: window.end + 60_000, window, snapshot: undefined, snapshotError: 'ThrottlingException', health: { side: 'target', error: 'timed out' }, baseline: undefined, settings: WATCH_SETTINGS });
    expect(tick.evaluation.state).toBe('no-data');
    const state = watchState([started('r-0000000002'), breached('error-rate'), breached('unhealthy-targets')], 'dev', tick)!;
    // Neither guardrail could be read in the newest minute: unknown, not "not breaching".
    expect(state.breaches.map((b) => [b.guardrail, b.ongoing])).toEqual([
      ['error-rate', null],
      ['unhealthy-targets', null],
    ]);
    expect(watchStateText(state)).toContain('• *5xx rate* since 12:05 UTC (no data in the newest minute to tell whether it goes on): error-rate breached.');
  });
});
