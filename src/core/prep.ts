// The preparation phase (runbook steps 1-7) as one run: resolve the stage, read the ECS counts, scale the
// target proxy to at least the capture proxy (never down), wait for it to be running and healthy, check both
// target groups and the listener, snapshot the baseline, and give a verdict. Safe to run again: it only ever
// scales up to what is missing, and the outcome describes what is there now.
import { computeBaseline, connectionReuse, type ConnectionReuse } from './baseline';
import { allHealthy, describeHealth, summarizeHealth, type HealthSummary } from './health';
import type { Baseline } from './journal';
import { formatTime, plainMessage } from './format';
import type { CoreDeps } from './ports';
import { settledWindow } from './traffic';
import {
  MINUTE_MS,
  type EcsServiceCounts,
  type ListenerState,
  type MetricsSnapshot,
  type ProxyServices,
  type StageResources,
  type TargetGroupHealth,
  type Weights,
} from './types';
import { describeWeights, targetPercent } from './weights';
import { notReadyReasons, waitForTargetProxy } from './wait-for-target-proxy';

export type PrepStepName = 'resolve' | 'counts' | 'scale' | 'wait' | 'health' | 'metrics' | 'verdict';
export type PrepStepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export const PREP_STEPS: readonly { name: PrepStepName; label: string }[] = [
  { name: 'resolve', label: 'Resolve stage' },
  { name: 'counts', label: 'Read ECS counts' },
  { name: 'scale', label: 'Scale target proxy' },
  { name: 'wait', label: 'Wait for target proxy tasks and targets' },
  { name: 'health', label: 'Check target groups and listener' },
  { name: 'metrics', label: 'Baseline metrics' },
  { name: 'verdict', label: 'Verdict' },
];

export interface PrepStep {
  name: PrepStepName;
  label: string;
  status: PrepStepStatus;
  /** One line: what the step found or is waiting for. */
  detail?: string;
  /** Clock times (epoch ms) the step started and ended. */
  startedAt?: number;
  endedAt?: number;
}

/** Reported on every step change and every poll of the wait; carries every step so a message can be redrawn. */
export interface PrepProgress {
  stage: string;
  step: PrepStepName;
  status: PrepStepStatus;
  detail?: string;
  /** Since the prep started. */
  elapsedMs: number;
  startedAt: number;
  /** Clock time of this report. */
  at: number;
  steps: PrepStep[];
}

export interface PrepSettings {
  /** How long to wait for the target proxy's tasks and targets (SWITCHOVER_PREP_TIMEOUT_MINUTES). */
  timeoutMinutes: number;
  /** Default 10. */
  pollSeconds?: number;
  /** Default 30. */
  baselineMinutes?: number;
  /** SWITCHOVER_SETTLE_SECONDS in ms: the baseline reads settled minutes only, as status and the watch do. */
  settleMs?: number;
}

export interface PrepInput {
  stage: string;
  /** Slack user ID of whoever ran the command, for the journal. */
  user: string;
}

export interface PrepHolder {
  user: string;
  startedAt: number;
}

interface PrepRunInfo {
  stage: string;
  user: string;
  startedAt: number;
  finishedAt: number;
  steps: PrepStep[];
}

export interface PrepCompleted extends PrepRunInfo {
  kind: 'completed';
  verdict: 'ready' | 'blocked';
  /** Why it is blocked, one line each (empty when ready). */
  reasons: string[];
  warnings: string[];
  resources: StageResources;
  captureProxy: EcsServiceCounts;
  targetProxy: EcsServiceCounts;
  sourceHealth: HealthSummary;
  targetHealth: HealthSummary;
  weights: Weights;
  stickiness: ListenerState['stickiness'];
  /** Set when this run changed the target proxy's desired count. */
  scaled?: { from: number; to: number };
  /** The wait ran out of time before the target proxy was ready. */
  waitTimedOut: boolean;
  /** Absent when CloudWatch did not return the source proxy's request counts or there was no traffic. */
  baseline?: Baseline;
  /** The metrics as fetched, for the charts (absent only if the metrics port itself failed). */
  snapshot?: MetricsSnapshot;
  connectionReuse?: ConnectionReuse;
}

export interface PrepFailed extends PrepRunInfo {
  kind: 'failed';
  failedStep: PrepStepName;
  /** What went wrong, in plain words, and what to do. */
  message: string;
  warnings: string[];
  scaled?: { from: number; to: number };
}

export interface PrepBusy {
  kind: 'busy';
  stage: string;
  holder: PrepHolder;
  message: string;
}

export type PrepOutcome = PrepCompleted | PrepFailed | PrepBusy;

/**
 * Who runs prep for each stage now: one prep per stage, and a second is told who holds it rather than queued.
 * In-process is enough, as one bot process serves a Slack app.
 */
const prepsRunning = new Map<string, PrepHolder>();

/** Who is running prep for `stage` right now, if anyone (so a handler can answer before starting). */
export function prepInProgress(stage: string): PrepHolder | undefined {
  return prepsRunning.get(stage);
}

class StepFailure extends Error {}

/** One prep run. Refuses (outcome 'busy') while another prep for the same stage is in progress. */
export async function runPrep(
  deps: CoreDeps,
  settings: PrepSettings,
  input: PrepInput,
  onProgress: (progress: PrepProgress) => void | Promise<void>,
): Promise<PrepOutcome> {
  const startedAt = deps.clock.now();
  const holder = prepsRunning.get(input.stage);
  if (holder) {
    return {
      kind: 'busy',
      stage: input.stage,
      holder,
      message: `A prep for ${input.stage} is already in progress (started by ${holder.user} at ${formatTime(holder.startedAt)}); wait for its summary.`,
    };
  }
  prepsRunning.set(input.stage, { user: input.user, startedAt });
  try {
    return await new PrepRun(deps, settings, input, onProgress, startedAt).run();
  } finally {
    prepsRunning.delete(input.stage);
  }
}

class PrepRun {
  private readonly steps: PrepStep[] = PREP_STEPS.map((s) => ({ ...s, status: 'pending' }));
  private readonly reasons: string[] = [];
  private readonly warnings: string[] = [];
  private scaled?: { from: number; to: number };

  constructor(
    private readonly deps: CoreDeps,
    private readonly settings: PrepSettings,
    private readonly input: PrepInput,
    private readonly onProgress: (progress: PrepProgress) => void | Promise<void>,
    private readonly startedAt: number,
  ) {}

  async run(): Promise<PrepCompleted | PrepFailed> {
    let current: PrepStepName = 'resolve';
    try {
      const resources = await this.resolve();
      current = 'counts';
      const services = await this.readCounts(resources);
      current = 'scale';
      const targetDesired = await this.scale(resources, services);
      current = 'wait';
      const waitTimedOut = await this.waitForTargetProxy(resources, targetDesired);
      current = 'health';
      const health = await this.health(resources);
      current = 'metrics';
      const metrics = await this.metrics(resources);
      current = 'verdict';
      await this.update('verdict', 'running');
      const verdict = this.reasons.length === 0 ? 'ready' : 'blocked';
      await this.update(
        'verdict',
        'done',
        verdict === 'ready' ? 'READY for a switchover' : `BLOCKED: ${this.reasons.length} reason${this.reasons.length === 1 ? '' : 's'}`,
      );
      return {
        kind: 'completed',
        ...this.info(),
        verdict,
        reasons: [...this.reasons],
        warnings: [...this.warnings],
        resources,
        // As read by the health step, so the summary shows what is there now.
        captureProxy: health.services.captureProxy,
        targetProxy: health.services.targetProxy,
        sourceHealth: health.source,
        targetHealth: health.target,
        weights: health.listener.weights,
        stickiness: health.listener.stickiness,
        scaled: this.scaled,
        waitTimedOut,
        ...metrics,
      };
    } catch (error) {
      const message = plainMessage(error);
      const step = this.steps.find((s) => s.name === current)!;
      if (step.status !== 'failed') await this.update(current, 'failed', message);
      for (const s of this.steps) {
        if (s.status === 'pending') s.status = 'skipped';
      }
      await this.report(current);
      return { kind: 'failed', ...this.info(), failedStep: current, message, warnings: [...this.warnings], scaled: this.scaled };
    }
  }

  private info() {
    return {
      stage: this.input.stage,
      user: this.input.user,
      startedAt: this.startedAt,
      finishedAt: this.deps.clock.now(),
      steps: this.steps.map((s) => ({ ...s })),
    };
  }

  private async resolve(): Promise<StageResources> {
    await this.update('resolve', 'running', `looking up stage ${this.input.stage}`);
    let resources: StageResources;
    try {
      resources = await this.deps.resolver.resolve(this.input.stage);
    } catch (error) {
      throw new StepFailure(plainMessage(error));
    }
    await this.update(
      'resolve',
      'done',
      `${resources.loadBalancer.name}, switchover listener on port ${resources.switchoverListener.port}, cluster ${resources.ecsCluster}`,
    );
    return resources;
  }

  private async readCounts(resources: StageResources): Promise<ProxyServices> {
    await this.update('counts', 'running', `reading ${resources.captureProxyService} and ${resources.targetProxyService}`);
    let services: ProxyServices;
    try {
      services = await this.deps.ecs.describeProxies(resources);
    } catch (error) {
      throw new StepFailure(`Could not read the ECS services in ${resources.ecsCluster}: ${plainMessage(error)}`);
    }
    const { captureProxy: capture, targetProxy: target } = services;
    if (capture.desired <= 1) {
      this.warnings.push(
        `The capture proxy's desired count is ${capture.desired}; the runbook expects more than 1 (one task carries all client traffic).`,
      );
    }
    if (capture.running < capture.desired) {
      this.warnings.push(`The capture proxy runs ${capture.running} of ${capture.desired} desired tasks.`);
    }
    if (target.status !== 'ACTIVE') {
      this.reasons.push(`The target proxy service ${resources.targetProxyService} is ${target.status}, not ACTIVE.`);
    }
    await this.update(
      'counts',
      'done',
      `capture proxy ${capture.desired} desired / ${capture.running} running; target proxy ${target.desired} desired / ${target.running} running`,
    );
    return services;
  }

  /** Returns the target proxy's desired count after this step. */
  private async scale(resources: StageResources, services: ProxyServices): Promise<number> {
    const from = services.targetProxy.desired;
    const wanted = services.captureProxy.desired;
    if (from >= wanted) {
      await this.update('scale', 'running');
      await this.update('scale', 'done', `target proxy already desires ${from} task${from === 1 ? '' : 's'}, at least the capture proxy's ${wanted}: no change`);
      await this.warnIfScaledEarlier(from);
      return from;
    }
    await this.update('scale', 'running', `scaling ${resources.targetProxyService} from ${from} to ${wanted} tasks`);
    try {
      // Recorded before the call, so the audit trail has the change even if the bot dies mid-call.
      await this.deps.journal.append({
        type: 'prep.scaled',
        at: new Date(this.deps.clock.now()).toISOString(),
        stage: this.input.stage,
        by: this.input.user,
        service: resources.targetProxyService,
        fromDesired: from,
        toDesired: wanted,
      });
    } catch (error) {
      throw new StepFailure(`Could not record the scaling in the audit journal, so nothing was scaled: ${plainMessage(error)}`);
    }
    try {
      await this.deps.ecs.setTargetProxyDesiredCount(resources, wanted);
    } catch (error) {
      throw new StepFailure(
        `Could not scale ${resources.targetProxyService} from ${from} to ${wanted} tasks: ${plainMessage(error).replace(/\.+$/, '')}. Nothing else was changed; fix the cause and run prep again.`,
      );
    }
    this.scaled = { from, to: wanted };
    this.warnings.push(
      `Prep scaled the target proxy from ${from} to ${wanted} tasks. A later \`cdk deploy\` can reset it to the CDK context's ` +
        `\`targetClusterProxyDesiredCount\`; set that to ${wanted} before deploying again.`,
    );
    await this.update('scale', 'done', `scaled ${resources.targetProxyService} from ${from} to ${wanted} tasks`);
    return wanted;
  }

  /** On a re-run the cdk deploy risk is still there: say so when an earlier prep did the scaling. */
  private async warnIfScaledEarlier(desired: number): Promise<void> {
    try {
      const records = await this.deps.journal.readAll();
      const earlier = records
        .filter((r) => r.type === 'prep.scaled' && r.stage === this.input.stage)
        .pop();
      if (earlier?.type === 'prep.scaled' && earlier.toDesired === desired) {
        this.warnings.push(
          `An earlier prep (${formatTime(Date.parse(earlier.at))}) scaled the target proxy to ${desired} tasks. A later \`cdk deploy\` can reset it ` +
            `to the CDK context's \`targetClusterProxyDesiredCount\`; set that to ${desired} before deploying again.`,
        );
      }
    } catch {
      // The journal is only consulted for a warning here; prep does not depend on it.
    }
  }

  /** Returns whether the wait timed out. */
  private async waitForTargetProxy(resources: StageResources, desired: number): Promise<boolean> {
    if (desired === 0) {
      await this.update('wait', 'skipped', 'the target proxy desires 0 tasks: nothing to wait for');
      this.reasons.push(
        'The target proxy has 0 desired tasks because the capture proxy has 0 too; scale the capture proxy first, then run prep again.',
      );
      return false;
    }
    const timeoutMs = this.settings.timeoutMinutes * MINUTE_MS;
    await this.update('wait', 'running', `waiting up to ${this.settings.timeoutMinutes} min for ${desired} healthy tasks`);
    const result = await waitForTargetProxy(this.deps, resources, {
      timeoutMs,
      pollMs: (this.settings.pollSeconds ?? 10) * 1000,
      onPoll: (readiness) => this.update('wait', 'running', readiness.detail),
    });
    if (result.outcome === 'ready') {
      await this.update('wait', 'done', result.detail);
      return false;
    }
    if (result.outcome === 'error') {
      throw new StepFailure(`Could not read the target proxy's service or target health: ${result.error}`);
    }
    this.reasons.push(
      `The target proxy was not ready after ${this.settings.timeoutMinutes} minutes: ${result.detail}` +
        (result.lastError ? ` (last reading failed: ${result.lastError})` : '') +
        '.',
    );
    // Which targets are not healthy, and why, is listed by the health step from a fresh reading.
    await this.update('wait', 'failed', `timed out after ${this.settings.timeoutMinutes} min: ${result.detail}`);
    return true;
  }

  private async health(resources: StageResources): Promise<{
    source: HealthSummary;
    target: HealthSummary;
    listener: ListenerState;
    services: ProxyServices;
  }> {
    await this.update('health', 'running', 'reading both target groups and the switchover listener');
    let sourceHealth: TargetGroupHealth;
    let targetHealth: TargetGroupHealth;
    let listener: ListenerState;
    let services: ProxyServices;
    try {
      [sourceHealth, targetHealth, listener, services] = await Promise.all([
        this.deps.loadBalancer.targetHealth(resources.sourceProxyTargetGroup),
        this.deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup),
        this.deps.loadBalancer.readListener(resources),
        this.deps.ecs.describeProxies(resources),
      ]);
    } catch (error) {
      throw new StepFailure(`Could not read target health or the switchover listener: ${plainMessage(error)}`);
    }
    const source = summarizeHealth(sourceHealth);
    const target = summarizeHealth(targetHealth);
    const targetProxy = services.targetProxy;

    // Runbook step 7: all expected targets healthy, none draining.
    for (const reason of notReadyReasons({ service: targetProxy, health: targetHealth, summary: target })) {
      if (!this.reasons.includes(reason)) this.reasons.push(reason);
    }
    if (target.draining > 0) {
      this.reasons.push(
        `${target.draining} target${target.draining === 1 ? ' is' : 's are'} draining in ${resources.targetProxyTargetGroup.name}; the runbook requires none draining (deregistration takes up to the group's delay, 300 s by default).`,
      );
    }
    if (!allHealthy(source)) {
      const problems = source.problems.slice(0, 5).join('; ');
      this.warnings.push(
        `Source proxy group ${resources.sourceProxyTargetGroup.name}: ${describeHealth(source)}${problems ? ` (${problems}${source.problems.length > 5 ? '; ...' : ''})` : ''}.`,
      );
    }
    if (listener.stickiness.enabled) {
      this.warnings.push(
        `Stickiness is on for the switchover listener${listener.stickiness.durationSeconds ? ` (${listener.stickiness.durationSeconds} s)` : ''}: it pins clients to the group they were sent to, so a shift moves only new clients.`,
      );
    }
    if (targetPercent(listener.weights) > 0) {
      this.warnings.push(`The switchover listener already sends traffic to the target proxy: ${describeWeights(listener.weights)}.`);
    }
    await this.update(
      'health',
      'done',
      `source proxy group ${describeHealth(source)}; target proxy group ${describeHealth(target)}; weights ${describeWeights(listener.weights)}`,
    );
    return { source, target, listener, services };
  }

  private async metrics(
    resources: StageResources,
  ): Promise<{ baseline?: Baseline; snapshot?: MetricsSnapshot; connectionReuse?: ConnectionReuse }> {
    const minutes = this.settings.baselineMinutes ?? 30;
    // The same settled-minute rule as status and the watch: a minute not yet published is not a quiet one.
    const window = settledWindow(this.deps.clock.now(), minutes, this.settings.settleMs);
    await this.update('metrics', 'running', `source proxy and load balancer, ${formatTime(window.start)} to ${formatTime(window.end)}`);
    let snapshot: MetricsSnapshot;
    try {
      snapshot = await this.deps.metrics.snapshot(resources, window);
    } catch (error) {
      // The port promises not to throw; if it does anyway the verdict must not depend on it.
      const why = `CloudWatch metrics could not be read: ${plainMessage(error)}`;
      this.warnings.push(`No baseline: ${why}. The verdict does not depend on it, but a shift can then only be judged side by side.`);
      await this.update('metrics', 'failed', why);
      return {};
    }
    if (snapshot.source.requests === undefined) {
      const why = snapshot.missing.length > 0 ? snapshot.missing.join('; ') : "the source proxy's request counts were not returned";
      this.warnings.push(`No baseline: ${why}. The verdict does not depend on it, but a shift can then only be judged side by side.`);
      await this.update('metrics', 'failed', `no baseline: ${why}`);
      return { snapshot };
    }
    const baseline = computeBaseline(snapshot);
    if (baseline.minutesWithTraffic === 0) {
      this.warnings.push(
        `No baseline: the source proxy carried no requests in the last ${minutes} minutes; check that client traffic goes through the switchover listener.`,
      );
      await this.update('metrics', 'done', `no requests on the source proxy in the last ${minutes} minutes`);
      return { snapshot };
    }
    if (snapshot.missing.length > 0) this.warnings.push(`Baseline incomplete: ${snapshot.missing.join('; ')}.`);
    try {
      await this.deps.journal.append({
        type: 'prep.baseline',
        at: new Date(this.deps.clock.now()).toISOString(),
        stage: this.input.stage,
        by: this.input.user,
        baseline,
      });
    } catch (error) {
      this.warnings.push(`The baseline could not be stored in the journal (${plainMessage(error)}); status and monitoring will not see it.`);
    }
    const reuse = connectionReuse(baseline);
    await this.update(
      'metrics',
      'done',
      `${Math.round(baseline.requestsPerMinute)} requests/min over ${baseline.minutesWithTraffic} min with traffic` +
        (snapshot.missing.length > 0 ? ` (${snapshot.missing.length} figure${snapshot.missing.length === 1 ? '' : 's'} missing)` : ''),
    );
    return { baseline, snapshot, connectionReuse: reuse };
  }

  private async update(name: PrepStepName, status: PrepStepStatus, detail?: string): Promise<void> {
    const step = this.steps.find((s) => s.name === name)!;
    const now = this.deps.clock.now();
    if (status === 'running' && step.startedAt === undefined) step.startedAt = now;
    if (status === 'done' || status === 'failed' || status === 'skipped') {
      step.startedAt ??= now;
      step.endedAt = now;
    }
    step.status = status;
    if (detail !== undefined) step.detail = detail;
    await this.report(name);
  }

  private async report(name: PrepStepName): Promise<void> {
    const step = this.steps.find((s) => s.name === name)!;
    const at = this.deps.clock.now();
    try {
      await this.onProgress({
        stage: this.input.stage,
        step: name,
        status: step.status,
        detail: step.detail,
        elapsedMs: at - this.startedAt,
        startedAt: this.startedAt,
        at,
        steps: this.steps.map((s) => ({ ...s })),
      });
    } catch {
      // A progress message that cannot be updated (Slack rate limit, deleted message) must not stop prep.
    }
  }
}

