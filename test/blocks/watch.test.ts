import {
  REQUEST_FALLBACK_ACTION,
  REQUEST_FORCE_RECONNECT_ACTION,
  completedMessage,
  guardrailAlertMessage,
  pinnedConnectionsMessage,
  watchEndedMessage,
  watchProgressMessage,
} from '../../src/blocks/watch';
import { MINUTE_MS } from '../../src/core/types';
import { analyzeTick, watchWindow, type WatchInfo } from '../../src/core/watch-tick';
import { type MinuteScript, scripted, WATCH_SETTINGS } from '../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const settings = WATCH_SETTINGS;
const watch: WatchInfo = {
  stage: 'dev',
  requestId: 'r-0000000001',
  channel: 'C1',
  threadTs: '1.2',
  appliedWeights: { source: 0, target: 100 },
  appliedAt: T0 + 10_000,
  mode: 'shift',
  until: T0 + 60 * MINUTE_MS,
};

function tick(script: MinuteScript, minutesAfter = 6) {
  const window = watchWindow(watch.appliedAt, T0 + minutesAfter * MINUTE_MS);
  return analyzeTick({
    watch,
    at: window.end + 90_000,
    window,
    snapshot: { window, ...scripted(window, script) },
    health: { side: 'target', summary: { total: 2, healthy: 2, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] } },
    baseline: undefined,
    settings,
  });
}

const text = (blocks: unknown[]) => JSON.stringify(blocks);

describe('watchProgressMessage', () => {
  it('shows the split, both sides, the judgement, health and how far completion is', () => {
    const t = tick((m) =>
      m < T0
        ? { source: { requests: 1000, latencyP99: 0.1 } }
        : { source: { requests: m >= T0 + 2 * MINUTE_MS ? 0 : 50 }, target: { requests: 950, latencyP99: 0.1, latencyAvg: 0.02 } },
    );
    const message = watchProgressMessage(t);
    expect(message.text).toBe('Watching dev: healthy');
    const body = text(message.blocks);
    expect(body).toContain('*Watching dev* after the shift to source 0 / target 100 (all new traffic to the target proxy) (r-0000000001) — minute 12:05-12:06 UTC');
    expect(body).toContain(
      ':white_check_mark: *healthy:* every signal is confidently within its margin\\n' +
        ':white_check_mark: target 5xx 0 of 5,700 (0%) vs source before the change 0 of 10,000 (0%) over 6 minutes, 12:00-12:06 UTC: ' +
        'healthy at 95% confidence (not more than 1 point worse, over the window and over its last 3 minutes)\\n' +
        ':white_check_mark: target connection errors 0 of 5,700 (0%) vs source before the change 0 of 10,000 (0%) over 6 minutes, 12:00-12:06 UTC: ' +
        'healthy at 95% confidence (not more than 1 point worse, over the window and over its last 3 minutes)\\n' +
        ':white_check_mark: load balancer 5xx 0 of 5,800 (0%) vs before the change 0 of 10,000 (0%)',
    );
    expect(body).toContain(':white_check_mark: target p99 median 100 ms vs source before the change median 100 ms (x2 tolerance: 200 ms)');
    // The recent split: the newest 5 settled minutes, all after the change (applied 12:00:10, first full minute 12:01).
    expect(body).toContain('*Split:* last minute 100% to the target proxy (source 0 / target 950); 12:01-12:06 UTC (since the change): 99% to the target proxy (source 50 / target 4750); configured 100%');
    expect(body).toContain('*Target proxy:* 950 requests, 5xx 0%, avg 20 ms, p99 100 ms');
    expect(body).toContain('*Target proxy targets:* 2/2 healthy');
    expect(body).toContain('*Completion:* 4/5 minutes without requests on the source proxy');
    expect(body).toContain('watching until 13:00 UTC');
  });

  it('never reads the recent split from before the change, nor from the minute it happened in', () => {
    const script: MinuteScript = (m) => (m < T0 ? { source: { requests: 1000 } } : { source: { requests: 100 }, target: { requests: 900 } });
    // Only the change's own minute has settled: the split since the change is not observed yet.
    expect(text(watchProgressMessage(tick(script, 1)).blocks)).toContain('; since the change: no complete minute under the new weights yet; configured 100%');
    expect(text(watchProgressMessage(tick(script, 3)).blocks)).toContain('; 12:01-12:03 UTC (since the change): 90% to the target proxy (source 200 / target 1800); configured 100%');
  });

  it('says when metrics are unavailable, and that watching goes on', () => {
    const window = watchWindow(watch.appliedAt, T0 + 6 * MINUTE_MS);
    const t = analyzeTick({
      watch,
      at: window.end + 90_000,
      window,
      snapshot: undefined,
      snapshotError: 'socket hang up',
      health: { side: 'target', error: 'Throttling' },
      baseline: undefined,
      settings,
    });
    const body = text(watchProgressMessage(t).blocks);
    expect(body).toContain(':grey_question: *no data to judge:* the metrics could not be read');
    expect(body).toContain(':grey_question: target 5xx: no data (CloudWatch did not return the figures)');
    expect(body).toContain('Not available this minute: CloudWatch metrics unavailable: socket hang up; target proxy target group health: Throttling. Watching goes on.');
  });
});

describe('alert, pinned, completed and ended messages', () => {
  it('puts a Request fallback button on a guardrail alert', () => {
    const detail = 'target 5xx 25 of 500 (5%) vs source 1 of 500 (0.2%) in 12:01-12:02 UTC: breach at 99% confidence (more than 1 point worse)';
    const message = guardrailAlertMessage(watch, { guardrail: 'error-rate', detail });
    expect(message.text).toBe(`Guardrail breached on dev: 5xx rate. ${detail}`);
    const actions = message.blocks.find((b) => b.type === 'actions') as unknown as { elements: Array<Record<string, unknown>> };
    expect(actions.elements).toEqual([
      expect.objectContaining({ action_id: REQUEST_FALLBACK_ACTION, value: 'dev', style: 'danger', text: expect.objectContaining({ text: 'Request fallback' }) }),
    ]);
    expect(REQUEST_FALLBACK_ACTION).toBe('switchover_request_fallback');
  });

  it('offers the force reconnect for pinned connections, with the numbers', () => {
    const message = pinnedConnectionsMessage(watch, { minutes: 4, requestsPerMinute: 36 });
    expect(message.text).toContain('~36 requests/min for 4 minutes');
    const actions = message.blocks.find((b) => b.type === 'actions') as unknown as { elements: Array<Record<string, unknown>> };
    expect(actions.elements).toEqual([expect.objectContaining({ action_id: REQUEST_FORCE_RECONNECT_ACTION, value: 'dev' })]);
    expect(REQUEST_FORCE_RECONNECT_ACTION).toBe('switchover_request_force_reconnect');
    expect(text(message.blocks)).toContain('rolling restart of the capture proxy service');
  });

  it('says the switchover is complete and the source cluster can go offline', () => {
    const t = tick((m) => (m < T0 + MINUTE_MS ? { source: { requests: 1000 } } : { target: { requests: 1000 } }), 7);
    expect(t.completion.complete).toBe(true);
    const message = completedMessage(watch, t);
    expect(message.text).toBe(
      'Switchover of dev is complete: the source proxy has served no requests for 6 consecutive minutes after the change to source 0 / target 100 (all new traffic to the target proxy). The source cluster can be taken offline.',
    );
  });

  it('says why a watch ended', () => {
    expect(watchEndedMessage(watch, 'window-elapsed').text).toBe('Stopped watching dev (r-0000000001): the watch window has elapsed.');
    expect(watchEndedMessage(watch, 'superseded').text).toContain('a newer change on this stage is being watched instead');
  });
});
