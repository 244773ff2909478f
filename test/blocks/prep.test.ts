import {
  PREP_SHIFT_PERCENTS,
  SHIFT_ACTION_PATTERN,
  baselineTable,
  formatDuration,
  parseShiftButtonValue,
  prepProgressMessage,
  prepSummaryMessage,
} from '../../src/blocks/prep';
import { summarizeHealth } from '../../src/core/health';
import type { Baseline } from '../../src/core/journal';
import { PREP_STEPS, type PrepCompleted, type PrepFailed, type PrepStep } from '../../src/core/prep';
import type { TargetHealthEntry } from '../../src/core/types';
import { serviceCounts, stageResources } from '../support/fake-ports';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const resources = stageResources('dev');
const health = (targets: TargetHealthEntry[]) => summarizeHealth({ targetGroup: resources.targetProxyTargetGroup, targets });

const baseline: Baseline = {
  start: T0 - 30 * 60_000,
  end: T0,
  minutesWithTraffic: 28,
  requestsPerMinute: 1234.4,
  http2xx: 34000,
  http3xx: 120,
  http4xx: 300,
  http5xx: 12,
  errorRate5xx: 12 / 34432,
  latencyAvg: 0.042,
  latencyP99: 1.25,
  activeConnections: 850,
  newConnections: 30,
  missing: [],
};

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
    sourceHealth: health([{ id: 'a', state: 'healthy' }, { id: 'b', state: 'healthy' }]),
    targetHealth: health([{ id: 'c', state: 'healthy' }, { id: 'd', state: 'healthy' }, { id: 'e', state: 'healthy' }]),
    weights: { source: 1, target: 0 },
    stickiness: { enabled: false },
    scaled: { from: 0, to: 3 },
    waitTimedOut: false,
    baseline,
    connectionReuse: { requestsPerNewConnection: 41, reading: 'high', text: 'about 41 requests per new connection: clients keep connections open' },
    ...overrides,
  };
}

const json = (value: unknown) => JSON.stringify(value);
type AnyBlock = { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: Array<{ action_id?: string; value?: string; text?: { text: string }; style?: string }> };

describe('prepProgressMessage', () => {
  it('shows one line per step with its status and elapsed time', () => {
    const steps: PrepStep[] = PREP_STEPS.map((s) => ({ ...s, status: 'pending' }));
    steps[0] = { ...steps[0]!, status: 'done', detail: 'MigrationAssistant-dev', startedAt: T0, endedAt: T0 + 1_000 };
    steps[1] = { ...steps[1]!, status: 'done', startedAt: T0 + 1_000, endedAt: T0 + 2_000 };
    steps[2] = { ...steps[2]!, status: 'done', detail: 'scaled from 0 to 3 tasks', startedAt: T0 + 2_000, endedAt: T0 + 3_000 };
    steps[3] = { ...steps[3]!, status: 'running', detail: '2/3 tasks running, 1/3 targets healthy (1 initial)', startedAt: T0 + 3_000 };
    const message = prepProgressMessage('dev', steps, T0, T0 + 125_000);
    const lines = (message.blocks[1] as AnyBlock).text!.text.split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe(':white_check_mark: *Resolve stage* — MigrationAssistant-dev _(1s)_');
    expect(lines[3]).toBe(':hourglass_flowing_sand: *Wait for target proxy tasks and targets* — 2/3 tasks running, 1/3 targets healthy (1 initial) _(2m 02s)_');
    expect(lines[6]).toBe(':white_circle: *Verdict*');
    expect((message.blocks[0] as AnyBlock).text!.text).toBe('*Prep `dev` running · 2m 05s elapsed*');
    expect(message.text).toContain('Wait for target proxy tasks and targets');
  });

  it('says when it is finished, with problems', () => {
    const steps: PrepStep[] = PREP_STEPS.map((s, i) => ({ ...s, status: i === 0 ? 'failed' : 'skipped', detail: i === 0 ? 'Stage `x` not found' : undefined }));
    const message = prepProgressMessage('x', steps, T0, T0 + 1000);
    expect((message.blocks[0] as AnyBlock).text!.text).toContain('finished with problems');
    expect((message.blocks[1] as AnyBlock).text!.text).toContain(':heavy_minus_sign: *Verdict*');
  });
});

describe('prepSummaryMessage', () => {
  it('shows a ready verdict with health, counts, weights, baseline and three shift buttons', () => {
    const message = prepSummaryMessage(completed());
    const blocks = message.blocks as AnyBlock[];
    expect(blocks[0]!.text!.text).toBe(':white_check_mark: dev: READY for switchover');
    const fields = blocks.find((b) => b.fields)!.fields!.map((f) => f.text);
    expect(fields).toContain('*Source proxy group*\n`ALBSourceProxy-dev-TG`\n2/2 healthy');
    expect(fields).toContain('*Target proxy (ECS)*\n3 desired / 3 running (scaled from 0)');
    expect(fields).toContain('*Weights now*\nsource 1 / target 0 (all new traffic to the source proxy)');
    expect(json(blocks)).toContain('*Baseline* (source proxy, 11:30–12:00 UTC, 28 of 30 min with traffic)');
    expect(json(blocks)).toContain('*Connection reuse (high):*');

    const actions = blocks.find((b) => b.type === 'actions')!;
    const ids = actions.elements!.map((e) => e.action_id!);
    expect(ids).toEqual(['switchover_request_shift_10', 'switchover_request_shift_50', 'switchover_request_shift_100']);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => SHIFT_ACTION_PATTERN.test(id))).toBe(true);
    expect(actions.elements!.map((e) => JSON.parse(e.value!))).toEqual(PREP_SHIFT_PERCENTS.map((percent) => ({ stage: 'dev', percent })));
    expect(actions.elements!.map((e) => e.text!.text)).toEqual(['Request 10% shift', 'Request 50% shift', 'Request full switchover (100%)']);
    expect(message.text).toMatch(/^dev: READY for switchover/);
  });

  it('lists every blocking reason and keeps buttons only while the target proxy group has a healthy target', () => {
    const blocked = completed({
      verdict: 'blocked',
      reasons: ['Target proxy group: 10.0.1.9:9200 draining (Target.DeregistrationInProgress).'],
      targetHealth: health([{ id: 'c', state: 'healthy' }, { id: 'f', state: 'draining' }]),
    });
    const message = prepSummaryMessage(blocked);
    expect(json(message.blocks)).toContain(':no_entry: dev: BLOCKED');
    expect(json(message.blocks)).toContain('• Target proxy group: 10.0.1.9:9200 draining (Target.DeregistrationInProgress).');
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(message.text).toContain('BLOCKED');

    const noHealthy = prepSummaryMessage(completed({ verdict: 'blocked', reasons: ['x'], targetHealth: health([{ id: 'f', state: 'unhealthy' }]) }));
    expect(noHealthy.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('says plainly when there is no baseline and when charts are missing', () => {
    const message = prepSummaryMessage(completed({ baseline: undefined, connectionReuse: undefined, warnings: ['No baseline: AccessDenied.'] }), {
      chartsNote: 'Charts could not be rendered, so this summary is text only. connection refused',
    });
    expect(json(message.blocks)).toContain('*Baseline:* none');
    expect(json(message.blocks)).toContain('• No baseline: AccessDenied.');
    expect(json(message.blocks)).toContain('Charts could not be rendered, so this summary is text only.');
    expect(message.text).toContain('text only');
  });

  it('stays within Block Kit limits with many reasons', () => {
    const reasons = Array.from({ length: 200 }, (_, i) => `Target proxy group: 10.0.${i}.1:9200 unhealthy (Target.FailedHealthChecks: Health checks failed with these codes: [502]).`);
    const message = prepSummaryMessage(completed({ verdict: 'blocked', reasons, warnings: reasons }));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const block of message.blocks as AnyBlock[]) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'header') expect(block.text!.text.length).toBeLessThanOrEqual(150);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
    expect(json(message.blocks)).toMatch(/…and \d+ more/);
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });

  it('escapes what AWS says before it reaches mrkdwn', () => {
    const message = prepSummaryMessage(completed({ verdict: 'blocked', reasons: ['<!channel> & co'] }));
    expect(json(message.blocks)).toContain('&lt;!channel&gt; &amp; co');
  });

  it('explains a failed prep and that running it again is safe', () => {
    const failed: PrepFailed = {
      kind: 'failed',
      stage: 'nope',
      user: 'U1',
      startedAt: T0,
      finishedAt: T0 + 1000,
      steps: PREP_STEPS.map((s, i) => ({ ...s, status: i === 0 ? 'failed' : 'skipped' })),
      failedStep: 'resolve',
      message: 'Stage `nope` not found: no load balancer named `MigrationAssistant-nope` in us-east-1.',
      warnings: [],
    };
    const message = prepSummaryMessage(failed);
    expect(json(message.blocks)).toContain(':x: nope: prep failed');
    expect(json(message.blocks)).toContain('*Resolve stage failed:* Stage `nope` not found');
    expect(json(message.blocks)).toContain('/switchover prep nope');
    expect(message.text).toBe('nope: prep failed: Stage `nope` not found: no load balancer named `MigrationAssistant-nope` in us-east-1.');
  });
});

describe('helpers', () => {
  it('formats durations', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('prints the baseline as an aligned table', () => {
    const lines = baselineTable(baseline).split('\n');
    expect(lines[0]).toBe('```');
    expect(lines[1]).toMatch(/^requests\/min\s+1,234$/);
    expect(lines).toContainEqual(expect.stringMatching(/^5xx rate\s+0\.03%$/));
    expect(lines).toContainEqual(expect.stringMatching(/^latency avg\s+42 ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^latency p99\s+1\.25 s$/));
    expect(new Set(lines.slice(1, -1).map((l) => l.length)).size).toBe(1);
  });

  it('reads a shift button value back, refusing anything else', () => {
    expect(parseShiftButtonValue('{"stage":"dev","percent":10}')).toEqual({ stage: 'dev', percent: 10 });
    expect(parseShiftButtonValue('{"stage":"dev","percent":0}')).toBeUndefined();
    expect(parseShiftButtonValue('{"stage":"dev; rm","percent":10}')).toBeUndefined();
    expect(parseShiftButtonValue('nope')).toBeUndefined();
    expect(parseShiftButtonValue(undefined)).toBeUndefined();
  });
});
