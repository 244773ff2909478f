// Every message builder, with realistic and worst-case inputs, against the rules real Slack enforces
// (test/support/block-kit-rules.ts): block counts, text lengths, field counts, button text/value, unique
// action_ids and block_ids, modal title/submit/close, private_metadata, and mrkdwn escaping of & < >.
import { ManualClock } from '../../src/adapters/clock';
import { helpBlocks, helpText } from '../../src/blocks/help';
import { historyBlocks } from '../../src/blocks/history';
import { prepProgressMessage, prepSummaryMessage } from '../../src/blocks/prep';
import { approveConfirmView, requestMessage } from '../../src/blocks/request';
import { stageListMessage, statusMessage } from '../../src/blocks/status';
import {
  completedMessage,
  guardrailAlertMessage,
  pinnedConnectionsMessage,
  watchEndedMessage,
  watchProgressMessage,
} from '../../src/blocks/watch';
import { summarizeHealth } from '../../src/core/health';
import type { HistoryPage } from '../../src/core/history';
import { PREP_STEPS, type PrepCompleted, type PrepStep } from '../../src/core/prep';
import type { Preview } from '../../src/core/requests/preview';
import type { RequestStatus } from '../../src/core/requests/request';
import { gatherStatus, type StageLine } from '../../src/core/status';
import { MINUTE_MS, type TargetHealthEntry } from '../../src/core/types';
import { analyzeTick, watchWindow, type WatchInfo } from '../../src/core/watch-tick';
import { messageViolations, modalViolations } from '../support/block-kit-rules';
import { FakeEcs, FakeLoadBalancer, FakeMetrics, FakeResolver, MemoryJournal, serviceCounts, stageResources } from '../support/fake-ports';
import { switchoverRequest } from '../support/requests';
import { scripted, WATCH_SETTINGS } from '../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
/** Text an AWS error or a target's health description could carry, with every mrkdwn control character. */
const NASTY = 'User: arn:aws:sts::1:assumed-role/x <not authorized> to do A & B -> "C" ';
const long = (n: number) => NASTY.repeat(Math.ceil(n / NASTY.length)).slice(0, n);
const many = (count: number, length: number) => Array.from({ length: count }, (_, i) => `${i}: ${long(length)}`);

function expectValid(message: unknown) {
  expect(messageViolations(message)).toEqual([]);
}

describe('the validator itself', () => {
  it('catches what Slack rejects', () => {
    const bad = {
      blocks: [
        { type: 'header', text: { type: 'mrkdwn', text: 'x'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: 'a < b' }, fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        {
          type: 'actions',
          block_id: 'b',
          elements: [
            { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'x'.repeat(76) }, value: 'v' },
            { type: 'button', action_id: 'same', text: { type: 'plain_text', text: 'ok' }, value: 'v'.repeat(2001) },
          ],
        },
        { type: 'context', block_id: 'b', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) },
      ],
    };
    const problems = messageViolations(bad).join('\n');
    for (const expected of ['missing fallback text', 'blocks[0].text.type: must be plain_text', '151 characters', 'unescaped "<"', '11 fields',
      'text: 76 characters', 'value: must be', '"same" is not unique', '"b" is not unique', '11 elements']) {
      expect(problems).toContain(expected);
    }
    expect(messageViolations({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual(['blocks: 51 blocks, more than 50']);
    expect(modalViolations({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [], private_metadata: 'm'.repeat(3001) })).toHaveLength(2);
    // Slack's own tokens and entities are fine.
    expect(messageViolations({ text: 'ok', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '<@U1> <!subteam^S1> <#C1> <!date^1^{time}|12:00> &amp; &lt;x&gt;' } }] })).toEqual([]);
  });
});

describe('help', () => {
  it.each([
    ['no access lists', { approvalTtlMinutes: 15, channels: [], operators: [], approvers: [] }],
    ['realistic lists', { approvalTtlMinutes: 15, channels: ['C0123456789'], operators: ['U01', 'S0OPS'], approvers: ['S0APPROVERS', 'U0LEAD'] }],
    [
      'huge lists',
      {
        approvalTtlMinutes: 15,
        channels: Array.from({ length: 400 }, (_, i) => `C${String(i).padStart(10, '0')}`),
        operators: Array.from({ length: 400 }, (_, i) => `U${String(i).padStart(10, '0')}`),
        approvers: Array.from({ length: 400 }, (_, i) => `S${String(i).padStart(10, '0')}`),
      },
    ],
  ])('%s', (_name, { approvalTtlMinutes, ...access }) => {
    expectValid({ text: helpText(), blocks: helpBlocks({ approvalTtlMinutes, access }) });
  });

  it('writes the <stage> placeholders as entities, so Slack shows them', () => {
    const text = JSON.stringify(helpBlocks({ approvalTtlMinutes: 15, access: { channels: [], operators: [], approvers: [] } }));
    expect(text).toContain('/switchover shift &lt;stage&gt; &lt;percent&gt;');
    expect(helpText()).toContain('/switchover shift &lt;stage&gt; &lt;percent&gt;');
  });
});

describe('request messages and the approval dialog', () => {
  const group = { arn: 'arn', name: 'g', dimension: 'd' };
  const request = switchoverRequest;
  function preview(targets: TargetHealthEntry[], notes: string[]): Preview {
    return {
      currentText: '',
      sourceGroup: 'ALBSourceProxy-dev-TG',
      targetGroup: 'ALBTargetProxy-dev-TG',
      sourceHealth: summarizeHealth({ targetGroup: group, targets }),
      targetHealth: summarizeHealth({ targetGroup: group, targets }),
      captureProxy: { desired: 2, running: 2, pending: 0 },
      targetProxy: { desired: 2, running: 1, pending: 1 },
      notes,
    };
  }
  const sick = Array.from({ length: 200 }, (_, i): TargetHealthEntry => ({
    id: `10.0.${i}.1`,
    port: 9200,
    state: 'unhealthy',
    reason: 'Target.FailedHealthChecks',
    description: long(400),
  }));

  it.each<[string, Preview | undefined]>([
    ['without a preview', undefined],
    ['with a healthy preview', preview([{ id: '10.0.0.1', port: 9200, state: 'healthy' }], [])],
    ['with a worst-case preview', preview(sick, many(100, 500))],
  ])('open, %s', (_name, p) => {
    for (const kind of ['shift', 'fallback', 'forceReconnect'] as const) expectValid(requestMessage(request({ kind }), p));
  });

  it.each<RequestStatus>(['approved', 'applied', 'failed', 'rejected', 'cancelled', 'expired'])('%s, with long errors and notes', (status) => {
    const r = request({
      status,
      approver: 'U0APP',
      closedBy: 'U0APP',
      closedAt: T0 + 60_000,
      before: { source: 1, target: 0 },
      after: { source: 75, target: 25 },
      error: long(5000),
      note: long(5000),
    });
    expectValid(requestMessage(r));
    expectValid(requestMessage({ ...r, kind: 'forceReconnect' }));
  });

  it('the approval dialog', () => {
    for (const kind of ['shift', 'fallback', 'forceReconnect'] as const) {
      expect(modalViolations(approveConfirmView(request({ kind })))).toEqual([]);
    }
  });
});

describe('history', () => {
  function page(entries: number, textLength: number, pageNo = 1, totalPages = 3): HistoryPage {
    return {
      stage: 'dev',
      page: pageNo,
      totalPages,
      totalEntries: entries * totalPages,
      entries: Array.from({ length: entries }, (_, i) => ({ at: T0 + i * 1000, text: `<@U1> asked ${i}: ${long(textLength)}` })),
    } as HistoryPage;
  }
  it.each([
    ['empty', { stage: 'dev', page: 1, totalPages: 0, totalEntries: 0, entries: [] } as unknown as HistoryPage],
    ['a realistic page', page(10, 60)],
    ['a page with more entries than fit, each too long', page(200, 5000)],
    ['the last page', page(5, 60, 3, 3)],
  ])('%s', (_name, p) => {
    expectValid(historyBlocks(p));
  });
});

describe('prep', () => {
  const resources = stageResources('dev');
  const health = (targets: TargetHealthEntry[]) => summarizeHealth({ targetGroup: resources.targetProxyTargetGroup, targets });
  function completed(overrides: Partial<PrepCompleted> = {}): PrepCompleted {
    return {
      kind: 'completed',
      stage: 'dev',
      user: 'U1',
      startedAt: T0,
      finishedAt: T0 + 192_000,
      steps: PREP_STEPS.map((s) => ({ ...s, status: 'done' as const })),
      verdict: 'ready',
      reasons: [],
      warnings: [],
      resources,
      captureProxy: serviceCounts('capture', 3),
      targetProxy: serviceCounts('target', 3),
      sourceHealth: health([{ id: 'a', state: 'healthy' }]),
      targetHealth: health([{ id: 'c', state: 'healthy' }]),
      weights: { source: 1, target: 0 },
      stickiness: { enabled: false },
      scaled: { from: 0, to: 3 },
      waitTimedOut: false,
      baseline: undefined,
      connectionReuse: { requestsPerNewConnection: 41, reading: 'high', text: long(4000) },
      ...overrides,
    } as PrepCompleted;
  }

  it('progress, realistic and with long step details', () => {
    const steps: PrepStep[] = PREP_STEPS.map((s, i) => ({ ...s, status: i < 2 ? 'done' : i === 2 ? 'running' : 'pending', startedAt: T0, detail: long(2000) }));
    expectValid(prepProgressMessage('dev', steps, T0, T0 + 65_000));
    expectValid(prepProgressMessage('abcdefghijklmno', PREP_STEPS.map((s) => ({ ...s, status: 'failed' as const, detail: long(5000) })), T0, T0 + 3_600_000));
  });

  it('summaries: ready, blocked with many long reasons, failed, busy', () => {
    expectValid(prepSummaryMessage(completed()));
    const unhealthy = Array.from({ length: 300 }, (_, i): TargetHealthEntry => ({ id: `10.1.${i}.1`, state: 'unhealthy', description: long(300) }));
    expectValid(
      prepSummaryMessage(
        completed({ verdict: 'blocked', reasons: many(200, 800), warnings: many(200, 800), sourceHealth: health(unhealthy), targetHealth: health(unhealthy) }),
        { chartsNote: long(5000) },
      ),
    );
    expectValid(
      prepSummaryMessage({
        kind: 'failed',
        stage: 'dev',
        user: 'U1',
        startedAt: T0,
        finishedAt: T0 + 1000,
        steps: PREP_STEPS.map((s) => ({ ...s, status: 'failed' as const })),
        failedStep: PREP_STEPS[0]!.name,
        message: long(6000),
        warnings: many(100, 600),
        scaled: { from: 1, to: 3 },
      } as never),
    );
  });
});

describe('status', () => {
  const NOW = Date.UTC(2026, 0, 1, 12, 30, 40);
  async function status(broken: boolean) {
    const deps = {
      resolver: new FakeResolver(),
      loadBalancer: new FakeLoadBalancer(),
      ecs: new FakeEcs(),
      metrics: new FakeMetrics(),
      journal: new MemoryJournal(),
      clock: new ManualClock(NOW),
    };
    deps.loadBalancer.health.target = Array.from({ length: broken ? 300 : 2 }, (_, i) => ({
      id: `10.0.1.${i}`,
      port: 9200,
      state: 'unhealthy' as const,
      reason: 'Target.Timeout',
      description: broken ? long(500) : 'Request timed out',
    }));
    deps.metrics.script = broken
      ? () => {
          throw new Error(long(5000));
        }
      : (window) => scripted(window, () => ({ source: { requests: 900 }, target: { requests: 100 }, activeConnections: 40 }));
    return gatherStatus(deps, 'dev', { changes: [] });
  }

  it('a stage, realistic and with everything failing at length', async () => {
    expectValid(statusMessage(await status(false)));
    expectValid(statusMessage(await status(true)));
  });

  it('the stage list, from none to a thousand stages', () => {
    const line = (i: number): StageLine => ({
      stage: `stage-${i}`,
      weights: { source: 1, target: 0 },
      description: long(200),
      openRequest: { id: `r-${i}`, kind: 'shift', percent: 50, requester: 'U1', to: { source: 50, target: 50 }, expiresAt: NOW },
    });
    expectValid(stageListMessage([]));
    expectValid(stageListMessage([line(1), { stage: 'gamma', description: `unknown: ${long(100)}` }]));
    expectValid(stageListMessage(Array.from({ length: 1000 }, (_, i) => line(i))));
  });
});

describe('watch', () => {
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
  const window = watchWindow(watch.appliedAt, T0 + 6 * MINUTE_MS);
  const healthy = analyzeTick({
    watch,
    at: window.end + 90_000,
    window,
    snapshot: { window, ...scripted(window, (m) => (m < T0 ? { source: { requests: 1000 } } : { source: { requests: 0 }, target: { requests: 950, http5xx: 200, latencyP99: 3 } })) },
    health: { side: 'target', summary: { total: 2, healthy: 2, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] } },
    baseline: undefined,
    settings,
  });
  const failing = analyzeTick({
    watch,
    at: window.end + 90_000,
    window,
    snapshot: undefined,
    snapshotError: long(5000),
    health: { side: 'target', error: long(5000) },
    baseline: undefined,
    settings,
  });

  it('progress, alerts, pinned connections, completion and the end', () => {
    expectValid(watchProgressMessage(healthy));
    expectValid(watchProgressMessage(failing));
    expectValid(guardrailAlertMessage(watch, { guardrail: 'error-rate', detail: long(5000) }));
    expectValid(pinnedConnectionsMessage(watch, { requestsPerMinute: 120, minutes: 5 } as never));
    expectValid(completedMessage(watch, healthy));
    for (const reason of ['window-elapsed', 'superseded', 'stopped'] as const) expectValid(watchEndedMessage(watch, reason));
  });
});
