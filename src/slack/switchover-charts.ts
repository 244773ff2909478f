// The switchover picture of a moment (a guardrail breach, the completion), drawn from what the bot knows
// apart from the watch's minute: the applied changes and the prep baseline from the journal (the configured
// weight's steps, the change marks and the guardrail lines), and the metrics re-read from CloudWatch for the
// whole switchover, from about 15 minutes before its first change to the moment. A request is plain data, so
// a message queued during a Slack outage keeps it and is sent later with the chart of its own moment.
import { z } from 'zod';
import { guardrailLimits } from '../charts/status';
import { MINUTES_BEFORE_FIRST_CHANGE, switchoverChart } from '../charts/switchover';
import { appliedChanges, switchoverStart } from '../core/changes';
import { withDeadline } from '../core/deadline';
import { errorMessage } from '../core/format';
import { latestBaseline, type JournalRecord } from '../core/journal';
import type { JudgeSettings } from '../core/judge';
import type { CoreDeps } from '../core/ports';
import { MINUTE_MS, type MetricsSnapshot, type MetricsWindow } from '../core/types';
import type { Logger } from '../logger';
import { renderCharts, type RenderedCharts } from './chart-post';

/** Which picture: a stage's switchover up to the end of the minutes read at that moment (kept in the outbox). */
export const SwitchoverChartRequestSchema = z.object({
  stage: z.string().min(1),
  moment: z.enum(['alert', 'completion']),
  /** End of the newest minute the moment read (epoch ms, a minute boundary): the chart ends there. */
  end: z.number().finite(),
  /** For an alert: what breached, in a few words. */
  breach: z.string().optional(),
});
export type SwitchoverChartRequest = z.infer<typeof SwitchoverChartRequestSchema>;

/** The picture never reaches further back than this: its minutes stay legible and its drawing bounded. */
export const MAX_CHART_MINUTES = 12 * 60;
/** Without any applied change in the journal, the last hour, as status shows it. */
const WITHOUT_CHANGES_MINUTES = 60;
/** The re-read of CloudWatch for the picture waits at most this long. */
export const CHART_METRICS_TIMEOUT_MS = 30_000;

export type SwitchoverChartDeps = Pick<CoreDeps, 'resolver' | 'metrics' | 'journal' | 'clock' | 'charts'>;

/** The minutes the picture of a switchover ending at `end` covers. */
export function switchoverWindow(records: readonly JournalRecord[], stage: string, end: number): MetricsWindow {
  const first = switchoverStart(appliedChanges(records, stage), end);
  const from = first === undefined ? end - WITHOUT_CHANGES_MINUTES * MINUTE_MS : Math.floor(first / MINUTE_MS) * MINUTE_MS - MINUTES_BEFORE_FIRST_CHANGE * MINUTE_MS;
  return { start: Math.max(from, end - MAX_CHART_MINUTES * MINUTE_MS), end };
}

export class SwitchoverCharts {
  constructor(
    private readonly deps: SwitchoverChartDeps,
    /** The guardrails' margins (SWITCHOVER_GUARD_*), drawn against the baseline. */
    private readonly margins: Pick<JudgeSettings, 'errorRatePoints' | 'p99Factor'>,
    private readonly logger: Logger,
  ) {}

  /** The drawn picture, or a note in words saying why there is none. Never throws. */
  async draw(request: SwitchoverChartRequest): Promise<RenderedCharts> {
    const { stage, end } = request;
    let records: JournalRecord[] = [];
    try {
      records = await this.deps.journal.readAll();
    } catch (error) {
      this.logger.warn({ err: error, stage }, 'journal unreadable: the chart goes without change marks and guardrail lines');
    }
    const window = switchoverWindow(records, stage, end);
    const snapshot = await this.read(stage, window);
    if (typeof snapshot === 'string') return { images: [], note: `The chart could not be drawn: ${snapshot}` };
    const spec = switchoverChart({
      stage,
      moment: request.moment,
      snapshot,
      changes: appliedChanges(records, stage).filter((c) => c.at < end),
      limits: guardrailLimits(latestBaseline(records, stage), this.margins),
      ...(request.breach ? { breach: request.breach } : {}),
    });
    if (!spec) {
      const why = snapshot.missing.length > 0 ? `CloudWatch metrics could not be read (${snapshot.missing.join('; ')})` : 'CloudWatch has no requests of either proxy in its minutes';
      return { images: [], note: `No chart of the switchover: ${why}.` };
    }
    return renderCharts(this.deps.charts, [spec]);
  }

  /** The switchover's minutes from CloudWatch, or why they could not be read. */
  private async read(stage: string, window: MetricsWindow): Promise<MetricsSnapshot | string> {
    const late = () => `CloudWatch did not answer within ${CHART_METRICS_TIMEOUT_MS / 1000} s.`;
    const read = (async () => this.deps.metrics.snapshot(await this.deps.resolver.resolve(stage), window))();
    try {
      return await withDeadline(read, CHART_METRICS_TIMEOUT_MS, late, (ms, signal) => this.deps.clock.sleep(ms, signal));
    } catch (error) {
      return `the metrics could not be read (${errorMessage(error)}).`;
    }
  }
}
