// Figures measured in this process through the end-to-end harness (the real app in HTTP mode on 127.0.0.1,
// the fake Slack recording every Web API call): status and fallback on the simulated stack with L ms per AWS
// call in real time, and the watcher's CloudWatch calls on 20 stages on a ManualClock (simulated minutes).
import { ManualClock, SystemClock } from '../src/adapters/clock';
import { createSimulatedAws, DEFAULT_STAGES, type SimStageConfig, type SimulatedAws } from '../src/adapters/sim';
import type { SimHttpRequest } from '../src/adapters/sim/transport';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK } from '../src/blocks/request';
import type { Weights } from '../src/core/types';
import { MINUTE_MS } from '../src/core/types';
import type { FakeSlack, RecordedCall } from '../test/support/fake-slack';
import { CHANNEL, OPERATOR, startHarness, type Harness } from '../test/support/slack-harness';
import { median } from './stats';

export const APPROVER = 'U0BOB';

export interface StatusFigures {
  cachedMs: number[];
  firstMs: number[];
  callsOneTarget: number[];
  callsManyTargets: number[];
}

export interface FallbackFigures {
  toModifyMs: number[];
  toUpdatedMs: number[];
  calls: number[];
}

export interface WatchFigures {
  stages: number;
  minutes: number;
  /** GetMetricData calls in each simulated minute, all stages together. */
  getMetricDataPerMinute: number[];
  /** Simulated minutes from a 5xx spike starting at the top of a minute to its guardrail alert (null: none in 10). */
  detectionMinutes: number | null;
  /** SWITCHOVER_SETTLE_SECONDS, which adds to it. */
  settleSeconds: number;
}

const stage = (name: string, targets: number, weights: Weights = { source: 1, target: 0 }): SimStageConfig => ({
  name,
  listenerPort: 443,
  otherListeners: [],
  captureProxyDesired: targets,
  targetProxyDesired: targets,
  weights,
  requestsPerMinute: 1200,
});

/** Real-time arrival of every fake Slack call, stamped the moment it is recorded. */
export function stampCalls(fake: FakeSlack): number[] {
  const stamps: number[] = [];
  fake.on('change', () => {
    const now = performance.now();
    while (stamps.length < fake.calls.length) stamps.push(now);
  });
  return stamps;
}

/** Real-time arrival of every AWS call at the simulated transport, before its latency. */
export function stampAws(sim: SimulatedAws): { operation: string; at: number }[] {
  const arrivals: { operation: string; at: number }[] = [];
  const transport = sim.requestHandler;
  const handle = transport.handle.bind(transport);
  transport.handle = (request: SimHttpRequest, options?: { abortSignal?: unknown }) => {
    const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
    const body = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : '';
    const operation = target ? target.slice(target.indexOf('.') + 1) : (/(?:^|&)Action=([^&]+)/.exec(body)?.[1] ?? 'Unknown');
    arrivals.push({ operation, at: performance.now() });
    return handle(request, options);
  };
  return arrivals;
}

export async function until<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function findCall(fake: FakeSlack, from: number, match: (call: RecordedCall) => boolean): number | undefined {
  for (let i = from; i < fake.calls.length; i++) if (match(fake.calls[i]!)) return i;
  return undefined;
}

/** Stops the harness once the bot has finished what it started; a cleanup problem never costs the figures. */
export async function stopQuietly(h: Harness): Promise<void> {
  let seen = -1;
  for (let i = 0; i < 100; i++) {
    const now = h.fake.calls.length + h.fake.responses.length;
    if (now === seen) break;
    seen = now;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    await h.bot.stop();
    await h.deps.watcher.stop();
    await (h.deps.core.journal as { close?: () => Promise<void> }).close?.();
    await h.stop();
  } catch (error) {
    process.stderr.write(`  (cleanup: ${error instanceof Error ? error.message : String(error)})\n`);
  }
}

const logCount = (h: Harness, msg: string) => h.logs().filter((l) => l.msg === msg).length;

function setWeights(sim: SimulatedAws, name: string, weights: Weights): void {
  const s = sim.stack.stage(name);
  const groups = s.switchoverListener.defaultActions[0]!.ForwardConfig!.TargetGroups!;
  for (const g of groups) g.Weight = g.TargetGroupArn === s.targetGroups.source.arn ? weights.source : weights.target;
}

/** Status and fallback, real time, L ms per AWS call. */
export async function measureStatusAndFallback(
  latencyMs: number,
  say: (line: string) => void,
): Promise<{ status: StatusFigures; fallback: FallbackFigures | { missing: string } }> {
  const cold = ['cold1', 'cold2', 'cold3', 'cold4', 'cold5'];
  const sim = createSimulatedAws({
    clock: new SystemClock(),
    stages: [...DEFAULT_STAGES, stage('one', 1), stage('wide', 200), ...cold.map((c) => stage(c, 3)), stage('fb', 3, { source: 0, target: 1 })],
  });
  sim.stack.faults['*'] = { latencyMs };
  const aws = stampAws(sim);
  const h = await startHarness({ LOG_LEVEL: 'info' }, {}, { simulation: sim });
  const slackStamps = stampCalls(h.fake);
  try {
    /** One `/switchover status <stage>`: command to the status message posted, and the AWS calls it made. */
    const status = async (name: string) => {
      const fromCall = h.fake.calls.length;
      const fromAws = aws.length;
      const done = logCount(h, 'status posted');
      const t0 = performance.now();
      await h.slash(`status ${name}`);
      const i = await until(
        () => findCall(h.fake, fromCall, (c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts),
        `the status of ${name}`,
      );
      await until(() => (logCount(h, 'status posted') > done ? true : undefined), 'the status to finish');
      return { ms: await until(() => slackStamps[i], 'the stamp') - t0, calls: aws.length - fromAws };
    };

    say('status: first call per stage (discovery included), 5 stages');
    const first = [];
    for (const c of cold) first.push(await status(c));
    say('status: cached discovery, 1 target and 200 targets');
    const one = [];
    const wide = [];
    for (let n = 0; n < 6; n++) one.push(await status('one'));
    await status('wide');
    for (let n = 0; n < 5; n++) wide.push(await status('wide'));
    const statusFigures: StatusFigures = {
      cachedMs: one.slice(1).map((s) => s.ms),
      firstMs: first.map((s) => s.ms),
      callsOneTarget: one.slice(1).map((s) => s.calls),
      callsManyTargets: wide.map((s) => s.calls),
    };

    say('fallback: request, Approve, Apply; 5 times');
    const fallback: FallbackFigures = { toModifyMs: [], toUpdatedMs: [], calls: [] };
    for (let n = 0; n < 5; n++) {
      setWeights(sim, 'fb', { source: 0, target: 1 });
      const fromCall = h.fake.calls.length;
      const asked = await h.slash('fallback fb', { user: OPERATOR });
      const posted = await until(
        () =>
          findCall(h.fake, fromCall, (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args.blocks ?? []).includes(APPROVE_ACTION)),
        'the fallback request message',
        5_000,
      ).catch(async () => {
        const said = h.responsesTo(asked).map((r) => String(r.body.text)).join(' ');
        throw new Error(`no request message for /switchover fallback fb${said ? `: the bot said "${said}"` : ''}`);
      });
      const message = h.fake.calls[posted]!;
      const ts = await until(() => h.fake.messages.find((m) => m.channel === CHANNEL && m.blocks === message.args.blocks)?.ts ?? lastTs(h.fake), 'ts');
      const approve = findButton(message.args.blocks, APPROVE_ACTION);
      if (!approve) throw new Error('the request message has no Approve button');
      const beforeClick = h.fake.calls.length;
      await h.click(APPROVE_ACTION, approve.value, { user: APPROVER, messageTs: ts, blockId: approve.blockId });
      await until(() => findCall(h.fake, beforeClick, (c) => c.method === 'views.open'), 'the confirmation dialog');
      const fromAws = aws.length;
      const fromUpdate = h.fake.calls.length;
      const t0 = performance.now();
      await h.submitView(APPROVE_CONFIRM_CALLBACK, approve.value, APPROVER);
      const updated = await until(
        () =>
          findCall(
            h.fake,
            fromUpdate,
            (c) => c.method === 'chat.update' && c.args.ts === ts && /^Applied/.test(String(c.args.text ?? '')),
          ),
        'the request message updated to Applied',
      );
      const updatedAt = await until(() => slackStamps[updated], 'the stamp');
      const made = aws.slice(fromAws).filter((a) => a.at <= updatedAt);
      const modify = made.find((a) => a.operation === 'ModifyListener');
      if (!modify) throw new Error('the fallback was applied without a ModifyListener');
      fallback.toModifyMs.push(modify.at - t0);
      fallback.toUpdatedMs.push(updatedAt - t0);
      fallback.calls.push(made.length);
    }
    return { status: statusFigures, fallback };
  } finally {
    await stopQuietly(h);
  }
}

function lastTs(fake: FakeSlack): string | undefined {
  return fake.messages[fake.messages.length - 1]?.ts;
}

export function findButton(blocks: unknown, actionId: string): { value: string; blockId?: string } | undefined {
  for (const block of (Array.isArray(blocks) ? blocks : []) as { block_id?: string; elements?: unknown[]; accessory?: unknown }[]) {
    for (const el of [...(block.elements ?? []), block.accessory] as { action_id?: string; value?: string }[]) {
      if (el?.action_id === actionId) return { value: el.value ?? '', blockId: block.block_id };
    }
  }
  return undefined;
}

/** 20 stages watched at once after a 50% shift, ten simulated minutes: GetMetricData calls per minute. */
export async function measureWatch(say: (line: string) => void): Promise<WatchFigures> {
  const stages = Array.from({ length: 20 }, (_, i) => stage(`w${String(i + 1).padStart(2, '0')}`, 3, { source: 1, target: 1 }));
  const clock = new ManualClock();
  const sim = createSimulatedAws({ clock, stages });
  const h = await startHarness({ LOG_LEVEL: 'warn' }, { clock }, { simulation: sim });
  try {
    say('watch: 20 stages, 10 simulated minutes');
    const appliedAt = clock.now();
    for (const s of stages) {
      await h.deps.watcher.start({
        stage: s.name,
        requestId: `bench-${s.name}`,
        channel: CHANNEL,
        threadTs: '1767268800.000100',
        appliedWeights: { source: 1, target: 1 },
        appliedAt,
      });
    }
    const perMinute: number[] = [];
    const count = () => sim.stack.calls.GetMetricData ?? 0;
    const activity = () => h.fake.calls.length + Object.values(sim.stack.calls).reduce((a, b) => a + b, 0);
    await settleClock(clock, activity);
    for (let minute = 0; minute < 10; minute++) {
      const before = count();
      await clock.advance(MINUTE_MS);
      await settleClock(clock, activity);
      perMinute.push(count() - before);
    }
    if (h.deps.watcher.active().length !== stages.length) {
      throw new Error(`only ${h.deps.watcher.active().length} of ${stages.length} watches still running`);
    }

    // Detection time: a 5xx spike on one stage from the top of a minute, until the watch journals its breach.
    const spiked = stages[0]!.name;
    const spikeAt = Math.ceil(clock.now() / MINUTE_MS) * MINUTE_MS;
    await clock.advanceTo(spikeAt);
    await settleClock(clock, activity);
    sim.stack.setErrorSpike(spiked, 0.2);
    let detectedAt: number | undefined;
    for (let minute = 0; minute < 10 && detectedAt === undefined; minute++) {
      await clock.advance(MINUTE_MS);
      await settleClock(clock, activity);
      const breach = (await h.deps.core.journal.readAll()).find((r) => r.type === 'guardrail.breached' && r.stage === spiked);
      if (breach) detectedAt = Date.parse(breach.at);
    }
    return {
      stages: stages.length,
      minutes: perMinute.length,
      getMetricDataPerMinute: perMinute,
      detectionMinutes: detectedAt === undefined ? null : (detectedAt - spikeAt) / MINUTE_MS,
      settleSeconds: h.deps.config.settleMs / 1000,
    };
  } finally {
    await stopQuietly(h);
  }
}

/** Lets the ticks that fell due finish in real time (their Slack calls are real HTTP): until nothing moves. */
async function settleClock(clock: ManualClock, activity: () => number): Promise<void> {
  let quiet = 0;
  let last = '';
  while (quiet < 5) {
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 10));
    const now = `${clock.pending}/${activity()}`;
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

export { median };
