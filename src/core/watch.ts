// Watching a stage after each applied shift or fallback: every minute, aligned to CloudWatch's complete
// minutes, read the stage once, judge it, update one progress message in the request's thread, alert on a
// guardrail breach, and say when the switchover is complete (or when pinned connections hold it up).
// Every watch is in the journal, so a restarted bot resumes it where it was.
import { latestBaseline, type Baseline, type JournalRecord, type WatchStarted } from './journal';
import type { GuardrailName, SubjectHealth, WatchSettings } from './judge';
import { guardrailsRead } from './judge';
import { summarizeHealth } from './health';
import type { CoreDeps } from './ports';
import { errorMessage } from './format';
import { DEFAULT_SETTLE_MS, nextSettledMoment, settledWindow } from './traffic';
import type { ListenerState, MetricsSnapshot } from './types';
import { describeListener, holdsWeightedForward } from './listener';
import { MINUTE_MS } from './types';
import type { WatchInfo, WatchRequest, WatchTick } from './watch-tick';
import { analyzeTick, watchMode, watchWindow } from './watch-tick';
import { alreadySaid, openWatches, watchInfoFromJournal } from './watch-journal';
import type { AlertNote, TickObserver, WatchEndReason, WatchReporter } from './watch-ports';

export type { PinnedConnections, WatchInfo, WatchRequest, WatchTick } from './watch-tick';
export type { AlertNote, TickObserver, WatchEndReason, WatchReporter } from './watch-ports';

/** Pinned connections are said again at most this often while they last. */
export const PINNED_REPEAT_MS = 15 * MINUTE_MS;

type WatchDeps = Pick<CoreDeps, 'resolver' | 'loadBalancer' | 'metrics' | 'journal' | 'clock'>;

interface Running {
  info: WatchInfo;
  controller: AbortController;
  done: Promise<void>;
  ended: boolean;
  baseline?: Baseline;
  /** Guardrails in a breach episode already alerted on. */
  alerted: Set<GuardrailName>;
  lastPinnedAt?: number;
  /** The listener as last found changed outside the bot (its description), so each change is said once. */
  outside?: string;
}

const iso = (t: number) => new Date(t).toISOString();

/** The journal's `watch.started` of a watch (a longer watch is journaled as its newest start). */
function startedRecord(info: WatchInfo, at: number): WatchStarted {
  const { stage, requestId, channel, threadTs } = info;
  const times = { at: iso(at), until: iso(info.until), appliedAt: iso(info.appliedAt) };
  return { type: 'watch.started', ...times, stage, requestId, channel, threadTs, appliedWeights: { ...info.appliedWeights } };
}

export interface WatcherOptions {
  /**
   * How long after a minute ends it is read (SWITCHOVER_SETTLE_SECONDS, shared with status). Each tick runs
   * the moment another minute has settled, so a tick never reads a minute CloudWatch has not published yet
   * (which would look like traffic draining). Every stage ticks at the same moments, so an adapter may batch.
   */
  settleMs?: number;
}

export class Watcher {
  private readonly running = new Map<string, Running>();
  /** Each stage's newest tick, kept after its watch ends: status shows the watch's judgement from it. */
  private readonly latest = new Map<string, WatchTick>();
  private readonly settleMs: number;
  private observer?: TickObserver;
  /** Ticks running now (a plan's step may be writing the listener in one). */
  private ticking = 0;

  constructor(
    private readonly deps: WatchDeps,
    private readonly settings: WatchSettings,
    private readonly reporter: WatchReporter,
    options: WatcherOptions = {},
  ) {
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /** The stage's newest tick since this process started, if any: what the watch last judged. */
  latestTick(stage: string): WatchTick | undefined {
    return this.latest.get(stage);
  }

  /** True when no watch is in the middle of a minute (tests and the bench wait for it before moving time on). */
  get idle(): boolean {
    return this.ticking === 0;
  }

  /** The one observer of every tick (the plan runner). */
  observe(observer: TickObserver): void {
    this.observer = observer;
  }

  /** Stages being watched now. */
  active(): WatchInfo[] {
    return [...this.running.values()].map((r) => ({ ...r.info }));
  }

  /**
   * Starts watching an applied change: journals `watch.started` (synced) first, then ticks every minute
   * until the window elapses or the switchover completes. A watch already running on the stage is superseded.
   */
  async start(request: WatchRequest, options: { continuing?: boolean; until?: number } = {}): Promise<WatchInfo> {
    const previous = this.running.get(request.stage);
    // A plan's next step continues its watch (same request, same progress message) from the new weights.
    const continuing = options.continuing && previous?.info.requestId === request.requestId ? previous : undefined;
    if (continuing) this.release(continuing, 'watch continued from new weights');
    else if (previous) await this.finish(previous, 'superseded');
    const info: WatchInfo = {
      ...(continuing?.info.messageTs ? { messageTs: continuing.info.messageTs } : {}),
      ...request,
      appliedWeights: { ...request.appliedWeights },
      mode: watchMode(request.appliedWeights),
      // A plan asks for longer: its step may be held for several bake periods.
      until: Math.max(request.appliedAt + this.settings.minutes * MINUTE_MS, options.until ?? 0),
    };
    await this.deps.journal.append(startedRecord(info, this.deps.clock.now()));
    const baseline = latestBaseline(await this.readJournal(), info.stage);
    this.launch(info, baseline, new Set());
    return { ...info };
  }

  /**
   * After a restart: every watch the journal shows started and not ended resumes (with its progress message
   * and the breaches already alerted on); those whose window passed while the bot was down are ended.
   */
  async resume(): Promise<WatchInfo[]> {
    const records = await this.deps.journal.readAll();
    const open = openWatches(records);
    const now = this.deps.clock.now();
    const resumed: WatchInfo[] = [];
    // Only the newest open watch of a stage is meaningful; older ones were superseded (the bot died in between).
    const newestByStage = new Map<string, WatchStarted>();
    for (const r of open) newestByStage.set(r.stage, r);
    for (const r of open) {
      const info = watchInfoFromJournal(r, records);
      if (newestByStage.get(r.stage) !== r) {
        await this.appendEnded(info ?? r, 'superseded');
        continue;
      }
      if (this.running.get(r.stage)?.info.requestId === r.requestId) continue;
      if (!info) {
        this.reporter.log('warn', `watch of ${r.stage} (${r.requestId}) cannot resume: its applied weights are not in the journal`);
        await this.appendEnded(r, 'stopped');
        continue;
      }
      if (info.until <= now && !(await this.extend(info, now))) {
        await this.appendEnded(info, 'window-elapsed');
        await this.report(() => this.reporter.ended(info, 'window-elapsed'), `watch end of ${info.stage}`);
        continue;
      }
      const { alerted, outside } = alreadySaid(r, records);
      this.launch(info, latestBaseline(records, r.stage), alerted, outside);
      resumed.push({ ...info });
    }
    return resumed;
  }

  /**
   * For SIGTERM: aborts every loop without ending the watches in the journal, so the next start resumes them.
   * Resolves once every loop has let go.
   */
  async stop(): Promise<void> {
    const runs = [...this.running.values()];
    this.running.clear();
    for (const run of runs) run.controller.abort(new Error('watcher stopped'));
    await Promise.all(runs.map((r) => r.done));
  }

  private async readJournal(): Promise<JournalRecord[]> {
    try {
      return await this.deps.journal.readAll();
    } catch (error) {
      this.reporter.log('warn', 'journal unreadable: watching without the prep baseline', error);
      return [];
    }
  }

  private launch(info: WatchInfo, baseline: Baseline | undefined, alerted: Set<GuardrailName>, outside?: string): void {
    const run: Running = { info, controller: new AbortController(), done: Promise.resolve(), ended: false, baseline, alerted, outside };
    this.running.set(info.stage, run);
    run.done = this.loop(run).catch((error) => {
      // The loop catches per tick; anything reaching here is a bug, said once rather than crashing the bot.
      this.reporter.log('error', `watch of ${info.stage} stopped unexpectedly`, error);
    });
  }

  private async loop(run: Running): Promise<void> {
    const { clock } = this.deps;
    const signal = run.controller.signal;
    while (!signal.aborted && !run.ended) {
      const now = clock.now();
      const nextTick = nextSettledMoment(now, this.settleMs);
      try {
        // A fresh dependent signal per sleep: a clock that keeps its abort listener after the sleep resolves
        // (ManualClock does) would otherwise pile one listener per minute onto the watch's signal.
        await clock.sleep(Math.min(nextTick, run.info.until) - now, AbortSignal.any([signal]));
      } catch {
        return; // aborted: superseded, stopped, or SIGTERM
      }
      if (signal.aborted || run.ended) return;
      this.ticking++;
      try {
        if (clock.now() >= run.info.until && !(await this.extend(run.info, clock.now()))) {
          await this.finish(run, 'window-elapsed');
          return;
        }
        await this.tick(run);
      } catch (error) {
        this.reporter.log('error', `watch tick of ${run.info.stage} failed; trying again next minute`, error);
      } finally {
        this.ticking--;
      }
    }
  }

  private async tick(run: Running): Promise<void> {
    const { deps, settings } = this;
    const info = run.info;
    const at = deps.clock.now();
    const window = watchWindow(info.appliedAt, settledWindow(at, 0, this.settleMs).end);
    const subjectSide = info.mode === 'fallback' ? 'source' : 'target';

    let snapshot: MetricsSnapshot | undefined;
    let snapshotError: string | undefined;
    let health: SubjectHealth;
    let listener: ListenerState | undefined;
    try {
      const resources = await deps.resolver.resolve(info.stage);
      const group = subjectSide === 'source' ? resources.sourceProxyTargetGroup : resources.targetProxyTargetGroup;
      const [snapshotR, healthR, listenerR] = await Promise.allSettled([
        deps.metrics.snapshot(resources, window),
        deps.loadBalancer.targetHealth(group),
        deps.loadBalancer.readListener(resources),
      ]);
      if (listenerR.status === 'fulfilled') listener = listenerR.value;
      if (snapshotR.status === 'fulfilled') snapshot = snapshotR.value;
      else snapshotError = errorMessage(snapshotR.reason);
      health =
        healthR.status === 'fulfilled'
          ? { side: subjectSide, summary: summarizeHealth(healthR.value) }
          : { side: subjectSide, error: errorMessage(healthR.reason) };
    } catch (error) {
      snapshotError = `stage ${info.stage} could not be resolved: ${errorMessage(error)}`;
      health = { side: subjectSide, error: snapshotError };
    }
    if (run.controller.signal.aborted || run.ended) return;

    const tick = analyzeTick({ watch: { ...info }, at, window, snapshot, snapshotError, health, baseline: run.baseline, settings });
    this.latest.set(info.stage, tick);

    let alertNote: AlertNote | undefined;
    if (this.observer) {
      const changedOutside = listener && !holdsWeightedForward(listener, info.appliedWeights) ? describeListener(listener) : undefined;
      try {
        alertNote = (await this.observer.onTick({ ...info }, tick, changedOutside))?.alertNote;
      } catch (error) {
        this.reporter.log('error', `the observer of the watch of ${info.stage} failed on this minute`, error);
      }
    }

    await this.report(async () => {
      const ts = await this.reporter.progress(tick);
      if (ts && ts !== info.messageTs) {
        info.messageTs = ts;
        await deps.journal.append({ type: 'watch.progress-posted', ...this.about(info), channel: info.channel, messageTs: ts });
      }
    }, `progress of ${info.stage}`);

    await this.guardrails(run, tick, alertNote);
    if (listener) await this.outsideChange(run, listener);

    if (tick.pinned && (run.lastPinnedAt === undefined || at - run.lastPinnedAt >= PINNED_REPEAT_MS)) {
      run.lastPinnedAt = at;
      const pinned = tick.pinned;
      await this.report(() => this.reporter.pinned({ ...info }, pinned, tick), `pinned connections of ${info.stage}`);
    }

    if (tick.completion.complete && !run.ended) {
      this.release(run, 'watch completed');
      await this.appendEnded(info, 'completed');
      await this.report(() => this.reporter.completed({ ...info }, tick), `completion of ${info.stage}`);
    }
  }

  /**
   * Says once per change, in the thread and in the journal, that the listener no longer holds what the bot
   * applied (weights, or the weighted forward itself); a return to the applied weights ends that episode.
   */
  private async outsideChange(run: Running, listener: ListenerState): Promise<void> {
    const info = run.info;
    if (holdsWeightedForward(listener, info.appliedWeights)) {
      run.outside = undefined;
      return;
    }
    const description = describeListener(listener);
    if (run.outside === description) return;
    run.outside = description;
    await this.journal(
      { type: 'listener.changed-outside', ...this.about(info), weights: { ...listener.weights }, description },
      `could not journal the outside change of the listener of ${info.stage}; saying it anyway`,
    );
    await this.report(() => this.reporter.changedOutside({ ...info }, description), `outside change of ${info.stage}`);
  }

  /** One alert per breach episode: a guardrail alerts when it starts breaching, again only after it cleared. */
  private async guardrails(run: Running, tick: WatchTick, alertNote?: AlertNote): Promise<void> {
    const info = run.info;
    const breaching = new Set(tick.evaluation.breaches.map((b) => b.guardrail));
    // An episode ends only when the guardrail could be read and no longer shows a breach: no data clears nothing.
    const read = guardrailsRead(tick.evaluation, tick.health);
    for (const g of [...run.alerted]) {
      if (!breaching.has(g) && read.has(g)) run.alerted.delete(g);
    }
    for (const breach of tick.evaluation.breaches) {
      if (run.alerted.has(breach.guardrail)) continue;
      run.alerted.add(breach.guardrail);
      await this.journal(
        {
          type: 'guardrail.breached',
          ...this.about(info),
          guardrail: breach.guardrail,
          detail: breach.detail,
          ...(breach.since !== undefined ? { since: iso(breach.since) } : {}),
        },
        `could not journal the ${breach.guardrail} breach on ${info.stage}; alerting anyway`,
      );
      await this.report(async () => {
        const ts = await this.reporter.alert({ ...info }, breach, tick, alertNote);
        if (!ts) return;
        const posted = { guardrail: breach.guardrail, channel: info.channel, messageTs: ts };
        await this.deps.journal.append({ type: 'guardrail.alert-posted', ...this.about(info), ...posted });
      }, `${breach.guardrail} alert on ${info.stage}`);
    }
  }

  /**
   * Lengthens a watch whose window is up when its observer still needs it (journaled as the watch's newest
   * start, so a restart resumes it too); false when the window really is over.
   */
  private async extend(info: WatchInfo, now: number): Promise<boolean> {
    const wanted = this.observer?.watchUntil?.({ ...info }, now);
    if (wanted === undefined || wanted <= now) return false;
    // At least a whole watch window at a time: a plan paused for hours adds a line to history per window, not per bake.
    const until = Math.max(wanted, now + this.settings.minutes * MINUTE_MS);
    info.until = until;
    await this.journal(startedRecord(info, now), `could not journal the longer watch of ${info.stage}; watching on`);
    return true;
  }

  /** Stops a run's loop without ending its watch in the journal (a plan's next step continues it). */
  private release(run: Running, why: string): void {
    run.ended = true;
    run.controller.abort(new Error(why));
    if (this.running.get(run.info.stage) === run) this.running.delete(run.info.stage);
  }

  private async finish(run: Running, reason: Exclude<WatchEndReason, 'completed'>): Promise<void> {
    if (run.ended) return;
    this.release(run, `watch ${reason}`);
    await this.appendEnded(run.info, reason);
    await this.report(() => this.reporter.ended({ ...run.info }, reason), `watch end of ${run.info.stage}`);
  }

  private async appendEnded(watch: { stage: string; requestId: string }, reason: WatchEndReason): Promise<void> {
    const failure = `could not journal the end of the watch of ${watch.stage} (${reason})`;
    await this.journal({ type: 'watch.ended', ...this.about(watch), reason }, failure);
  }

  /** Journals a record the watch goes on without: a failure is logged as `failure`. */
  private async journal(record: JournalRecord, failure: string): Promise<void> {
    try {
      await this.deps.journal.append(record);
    } catch (error) {
      this.reporter.log('error', failure, error);
    }
  }

  /** The fields every record of a watch starts with: now, its stage and request. */
  private about(watch: { stage: string; requestId: string }): { at: string; stage: string; requestId: string } {
    return { at: iso(this.deps.clock.now()), stage: watch.stage, requestId: watch.requestId };
  }

  /** Runs a reporter call; a Slack failure is logged and never stops the watch. */
  private async report(fn: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.reporter.log('warn', `could not report ${what}`, error);
    }
  }
}
