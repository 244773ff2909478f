// The preparation phase (runbook steps 1-7) as one run: resolve the stage, read the ECS counts, scale the
// target proxy to at least the capture proxy (never down), wait for it to be running and healthy, check both
// target groups and the listener, snapshot the baseline, and give a verdict. Safe to run again: it only ever
// scales up to what is missing, and the outcome describes what is there now. One module per step beside this.
import { formatTime, plainMessage } from '../format';
import type { CoreDeps } from '../ports';
import { readCounts } from './counts';
import { checkHealth } from './health';
import { snapshotBaseline } from './metrics';
import { resolveStage } from './resolve';
import { scaleTargetProxy } from './scale';
import type { PrepContext } from './step';
import {
  PREP_STEPS,
  type PrepCompleted,
  type PrepFailed,
  type PrepHolder,
  type PrepInput,
  type PrepOutcome,
  type PrepProgress,
  type PrepSettings,
  type PrepStep,
  type PrepStepName,
  type PrepStepStatus,
} from './types';
import { awaitTargetProxy } from './wait';

/**
 * Who runs prep for each stage now: one prep per stage, and a second is told who holds it rather than queued.
 * In-process is enough, as one bot process serves a Slack app.
 */
const prepsRunning = new Map<string, PrepHolder>();

/** Who is running prep for `stage` right now, if anyone (so a handler can answer before starting). */
export function prepInProgress(stage: string): PrepHolder | undefined {
  return prepsRunning.get(stage);
}

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
  private readonly ctx: PrepContext;
  private scaled?: { from: number; to: number };
  /** The step that reported last: every step reports as it starts, so a failure is this step's. */
  private current: PrepStepName = 'resolve';

  constructor(
    private readonly deps: CoreDeps,
    settings: PrepSettings,
    private readonly input: PrepInput,
    private readonly onProgress: (progress: PrepProgress) => void | Promise<void>,
    private readonly startedAt: number,
  ) {
    this.ctx = {
      deps,
      settings,
      input,
      reasons: [],
      warnings: [],
      update: (name, status, detail) => this.update(name, status, detail),
      record: () => ({ at: new Date(deps.clock.now()).toISOString(), stage: input.stage, by: input.user }),
    };
  }

  async run(): Promise<PrepCompleted | PrepFailed> {
    try {
      const { ctx } = this;
      const resources = await resolveStage(ctx);
      const services = await readCounts(ctx, resources);
      const { desired, scaled } = await scaleTargetProxy(ctx, resources, services);
      this.scaled = scaled;
      const waitTimedOut = await awaitTargetProxy(ctx, resources, desired);
      const health = await checkHealth(ctx, resources);
      const metrics = await snapshotBaseline(ctx, resources);
      await this.update('verdict', 'running');
      const verdict = this.ctx.reasons.length === 0 ? 'ready' : 'blocked';
      await this.update(
        'verdict',
        'done',
        verdict === 'ready' ? 'READY for a switchover' : `BLOCKED: ${this.ctx.reasons.length} reason${this.ctx.reasons.length === 1 ? '' : 's'}`,
      );
      return {
        kind: 'completed',
        ...this.info(),
        verdict,
        reasons: [...this.ctx.reasons],
        resources,
        // As read by the health step, so the summary shows what is there now.
        captureProxy: health.services.captureProxy,
        targetProxy: health.services.targetProxy,
        sourceHealth: health.source,
        targetHealth: health.target,
        weights: health.listener.weights,
        stickiness: health.listener.stickiness,
        waitTimedOut,
        ...metrics,
      };
    } catch (error) {
      const message = plainMessage(error);
      const current = this.current;
      const step = this.steps.find((s) => s.name === current)!;
      if (step.status !== 'failed') await this.update(current, 'failed', message);
      for (const s of this.steps) {
        if (s.status === 'pending') s.status = 'skipped';
      }
      await this.report(current);
      return { kind: 'failed', ...this.info(), failedStep: current, message };
    }
  }

  private info() {
    return {
      stage: this.input.stage,
      user: this.input.user,
      startedAt: this.startedAt,
      finishedAt: this.deps.clock.now(),
      steps: this.steps.map((s) => ({ ...s })),
      warnings: [...this.ctx.warnings],
      scaled: this.scaled,
    };
  }

  private async update(name: PrepStepName, status: PrepStepStatus, detail?: string): Promise<void> {
    const step = this.steps.find((s) => s.name === name)!;
    this.current = name;
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
    try {
      const { stage, startedAt, finishedAt: at, steps } = this.info();
      await this.onProgress({ stage, step: name, startedAt, at, steps });
    } catch {
      // A progress message that cannot be updated (Slack rate limit, deleted message) must not stop prep.
    }
  }
}

