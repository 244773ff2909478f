import { ManualClock } from '../../src/adapters/clock';
import { stageListMessage, statusMessage, watchStateText } from '../../src/blocks/status';
import type { GuardrailEvaluation } from '../../src/core/judge';
import { gatherStatus, type StageLine } from '../../src/core/status';
import { MINUTE_MS } from '../../src/core/types';
import { type FakeDeps, fakeDeps } from '../support/fake-ports';
import { scripted } from '../support/traffic-script';


const NOW = Date.UTC(2026, 0, 1, 12, 30, 40);

function allText(blocks: unknown[]): string {
  return JSON.stringify(blocks);
}

function withinLimits(message: { text: string; blocks: Array<Record<string, any>> }) {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(3000);
  }
}

async function status(overrides: (deps: FakeDeps) => void = () => undefined) {
  const deps = fakeDeps({ clock: new ManualClock(NOW) });
  deps.loadBalancer.weights = { source: 90, target: 10 };
  deps.ecs.target = { ...deps.ecs.capture, name: 'target', running: 1, pending: 1 };
  deps.loadBalancer.health.target = [
    { id: '10.0.1.1', port: 9200, state: 'healthy' },
    { id: '10.0.1.2', port: 9200, state: 'initial', reason: 'Elb.RegistrationInProgress' },
  ];
  deps.metrics.script = (window) =>
    scripted(window, () => ({ source: { requests: 900, latencyP99: 0.08 }, target: { requests: 100, latencyP99: 0.09 }, activeConnections: 40 }));
  overrides(deps);
  return gatherStatus(deps, 'dev', {
    changes: [],
    openRequest: { id: 'r-abcdefghij', kind: 'shift', percent: 50, requester: 'U1', to: { source: 50, target: 50 }, expiresAt: NOW + 10 * MINUTE_MS },
    lastApplied: {
      id: 'r-0123456789',
      kind: 'shift',
      percent: 10,
      before: { source: 1, target: 0 },
      after: { source: 90, target: 10 },
      appliedAt: NOW - 20 * MINUTE_MS,
      approver: 'U2',
    },
  });
}

describe('statusMessage', () => {
  it('claims the window starts after the last change only when the listener still shows what that change left', async () => {
    const footer = (message: { blocks: Array<Record<string, any>> }) => message.blocks.at(-1)!.elements[0].text as string;
    expect(footer(statusMessage(await status()))).toMatch(/all after the 10% shift at 12:10 UTC; never minutes from before the last change\.$/);
    // Someone set 50 % in the console since the bot's 10 % shift: the bot cannot say when, so it claims nothing.
    const outside = statusMessage(await status((deps) => (deps.loadBalancer.weights = { source: 50, target: 50 })));
    expect(footer(outside)).toContain('the weights were changed outside the bot since the 10% shift');
    expect(footer(outside)).not.toContain('never minutes from before');
  });

  it('shows the verdict, weights, both sides, the open request and the last change', async () => {
    const message = statusMessage(await status());
    withinLimits(message);
    expect(message.text).toBe(
      'Switchover status of dev: 10% configured, 10% observed (12:24-12:29 UTC, the last 5 settled minutes, all after the 10% shift at 12:10 UTC)',
    );
    const text = allText(message.blocks);
    expect(text).toContain('*Traffic:* 10% configured, 10% observed');
    expect(text).toContain('source 90 / target 10 (10% of new traffic to the target proxy)');
    expect(text).toContain('source 4500 / target 500 requests, 10% to the target proxy (12:24-12:29 UTC)');
    expect(text).toContain('ALBTargetProxy-dev-TG');
    expect(text).toContain('1/2 healthy, 1 initial');
    expect(text).toContain('10.0.1.2:9200 initial (Elb.RegistrationInProgress)');
    expect(text).toContain('ECS tasks: 1/2 running, 1 pending');
    expect(text).toContain('40 active / 0 new per minute');
    expect(text).toContain('no baseline (run /switchover prep dev)');
    expect(text).toContain('r-abcdefghij: shift 50% to the target proxy, by <@U1>, expires 12:40 UTC');
    expect(text).toContain('r-0123456789: shift 10% at 2026-01-01 12:10 UTC, approved by <@U2>');
    expect(text).not.toContain('Could not read');
  });

  it('says what could not be read', async () => {
    const message = statusMessage(
      await status((deps) => {
        deps.metrics.script = () => {
          throw new Error('AccessDenied <cloudwatch>');
        };
      }),
    );
    withinLimits(message);
    const text = allText(message.blocks);
    expect(text).toContain(':warning: Could not read: CloudWatch metrics: AccessDenied &lt;cloudwatch&gt;');
    expect(text).toContain('*Observed split:* unknown');
  });
});

describe('stageListMessage', () => {
  it('puts each stage on one line with its open request', () => {
    const lines: StageLine[] = [
      { stage: 'dev', weights: { source: 1, target: 0 }, description: 'all new traffic to the source proxy (forward to ALBSourceProxy-dev-TG only); the rule was changed outside the bot' },
      { stage: 'gamma', description: 'unknown: ListenerNotFound' },
      {
        stage: 'wave1',
        weights: { source: 50, target: 50 },
        description: 'y',
        openRequest: { id: 'r-abcdefghij', kind: 'fallback', percent: 0, requester: 'U9', to: { source: 100, target: 0 }, expiresAt: NOW },
      },
    ];
    const message = stageListMessage(lines);
    withinLimits(message);
    expect(message.text).toBe('3 stages, 1 with an open request');
    const text = allText(message.blocks);
    expect(text).toContain('• *dev*: all new traffic to the source proxy (forward to ALBSourceProxy-dev-TG only); the rule was changed outside the bot');
    expect(text).toContain('• *gamma*: unknown: ListenerNotFound');
    expect(text).toContain('open request r-abcdefghij: fall back to the source proxy, by <@U9>');
  });

  it('stays within Block Kit limits with very many stages, and says none were found', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ stage: `stage-${i}`, weights: { source: 1, target: 0 }, description: 'source 1 / target 0 (all new traffic to the source proxy)' }));
    const message = stageListMessage(many);
    withinLimits(message);
    expect(allText(message.blocks)).toMatch(/\d+ more stages not shown/);
    expect(stageListMessage([]).text).toContain('No Migration Assistant stage found');
  });
});

describe('watchStateText', () => {
  const T = Date.UTC(2026, 0, 1, 12, 0);
  const base = { requestId: 'r-0000000001', appliedAt: T, until: T + 60 * MINUTE_MS };
  const healthy: GuardrailEvaluation = { state: 'healthy', signals: [], breaches: [], notes: [] };

  it('says the breaches of an ended watch, cleared or not, with where their alerts are', () => {
    const text = watchStateText({
      ...base,
      ended: { reason: 'window-elapsed', at: T + 60 * MINUTE_MS },
      breaches: [
        { guardrail: 'p99-latency', detail: 'target p99 <x3>', since: T + 5 * MINUTE_MS, ongoing: null, alert: { channel: 'C1', messageTs: '1.2' } },
        { guardrail: 'error-rate', detail: 'target 5xx 20%', since: T + 9 * MINUTE_MS, ongoing: null },
      ],
    });
    expect(text.split('\n')).toEqual([
      ':rotating_light: *guardrail breached:* p99 latency, 5xx rate (as the watch alerted; no minute judged since the bot started)',
      '• *p99 latency* since 12:05 UTC (as alerted): target p99 &lt;x3&gt;. Alert in <#C1>.',
      '• *5xx rate* since 12:09 UTC (as alerted): target 5xx 20%.',
      '_Watch after r-0000000001, applied 12:00 UTC, ended 13:00 UTC: its window elapsed._',
    ]);
  });

  it("shows the watch's newest judgement, and a breach it no longer sees with its numbers", () => {
    const text = watchStateText({
      ...base,
      latest: { at: T + 8 * MINUTE_MS, minute: T + 6 * MINUTE_MS, evaluation: healthy },
      breaches: [{ guardrail: 'unhealthy-targets', detail: '1 of 2 targets not healthy', since: T + 2 * MINUTE_MS, ongoing: false }],
    });
    expect(text.split('\n')).toEqual([
      ':white_check_mark: *healthy:* every signal is confidently within its margin (minute 12:06-12:07 UTC)',
      '• *unhealthy targets* since 12:02 UTC (not breaching in the newest minute): 1 of 2 targets not healthy.',
      '_Watching after r-0000000001, applied 12:00 UTC, until 13:00 UTC._',
    ]);
  });

  it('waits for the first minute after the change, as the progress message does', () => {
    const text = watchStateText({ ...base, latest: { at: T + 30_000, minute: null, evaluation: healthy }, breaches: [] });
    expect(text.split('\n')[0]).toBe(':hourglass: waiting for the first complete minute after the change');
  });
});
