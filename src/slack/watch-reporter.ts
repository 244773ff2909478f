// Shows a watched switchover in Slack: one progress message in the request's thread, updated in place each
// minute (a new one when it can no longer be updated); alerts, pinned-connection offers and completion as
// channel messages, so they are seen; the end of a watch in the thread. Slack failures never stop the watch:
// messages go through the outbox (slack/outbox.ts), which sends them in order once Slack answers, across a
// restart too; one Slack refuses for good is thrown, and the watcher logs it.
//
// An alert and the completion get the switchover chart (switchover-charts.ts) in their thread once posted, drawn
// apart from the watch's minute so a slow renderer or upload never holds a guardrail; a chart that fails is said
// in the thread. A kept alert carries what its chart shows, and gets that chart when it is sent.
import type { webApi } from '@slack/bolt';
import {
  GUARDRAIL_WORDS,
  changedOutsideMessage,
  completedMessage,
  guardrailAlertMessage,
  pinnedConnectionsMessage,
  watchEndedMessage,
  watchProgressMessage,
} from '../blocks/watch';
import { escapeMrkdwn } from '../blocks/common';
import type { GuardrailBreach } from '../core/judge';
import type { AlertNote, WatchEndReason, WatchReporter } from '../core/watch';
import type { PinnedConnections, WatchInfo, WatchTick } from '../core/watch-tick';
import type { Logger } from '../logger';
import { shareCharts } from './chart-post';
import { slackErrorCode } from './errors';
import type { SlackOutbox } from './outbox';
import type { SwitchoverChartRequest, SwitchoverCharts } from './switchover-charts';

/** Slack codes that mean the progress message cannot be updated any more, so a new one is posted. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

export class SlackWatchReporter implements WatchReporter {
  /** Charts being drawn and shared into an alert's or a completion's thread. */
  private readonly chartJobs = new Set<Promise<void>>();

  constructor(
    private readonly slack: webApi.WebClient,
    private readonly logger: Logger,
    /** Channel messages: sent at once, or kept and sent once Slack answers. */
    private readonly outbox: SlackOutbox,
    /** Draws the alert's and the completion's chart; without it they go out without one. */
    private readonly charts?: Pick<SwitchoverCharts, 'draw'>,
  ) {
    // Now or after an outage: a posted alert or completion gets its chart.
    outbox.whenPosted((post, ts) => this.attachChart(post.chart, post.channel, ts));
  }

  async progress(tick: WatchTick): Promise<string | undefined> {
    const { channel, threadTs, messageTs, stage } = tick.watch;
    const message = watchProgressMessage(tick);
    if (messageTs) {
      try {
        await this.slack.chat.update({ channel, ts: messageTs, ...message });
        return messageTs;
      } catch (error) {
        if (!MESSAGE_GONE.has(slackErrorCode(error) ?? '')) throw error;
        this.logger.warn({ err: error, stage, messageTs }, 'watch progress message cannot be updated any more; posting a new one');
      }
    }
    const posted = await this.slack.chat.postMessage({ channel, thread_ts: threadTs, ...message });
    return posted.ts;
  }

  async alert(watch: WatchInfo, breach: GuardrailBreach, tick?: WatchTick, note?: AlertNote): Promise<string | undefined> {
    const chart = tick && { stage: watch.stage, moment: 'alert' as const, end: tick.window.end, breach: `breach: ${GUARDRAIL_WORDS[breach.guardrail]}` };
    return this.outbox.post(`${breach.guardrail} alert on ${watch.stage}`, {
      channel: watch.channel,
      message: guardrailAlertMessage(watch, breach, note),
      ...(chart ? { chart } : {}),
    });
  }

  async pinned(watch: WatchInfo, pinned: PinnedConnections): Promise<void> {
    await this.outbox.post(`pinned connections on ${watch.stage}`, { channel: watch.channel, message: pinnedConnectionsMessage(watch, pinned) });
  }

  async completed(watch: WatchInfo, tick: WatchTick): Promise<void> {
    const chart = { stage: watch.stage, moment: 'completion' as const, end: tick.window.end };
    await this.outbox.post(`completion of ${watch.stage}`, { channel: watch.channel, message: completedMessage(watch, tick), chart });
  }

  /** Resolves once every chart being attached is shared or given up (tests; shutdown does not wait for charts). */
  async chartsSettled(): Promise<void> {
    while (this.chartJobs.size > 0) await Promise.allSettled([...this.chartJobs]);
  }

  /**
   * Draws the chart of the posted message's moment and shares it in its thread, without making the watch (or
   * the outbox) wait for it.
   */
  private attachChart(chart: SwitchoverChartRequest | undefined, channel: string, ts: string): void {
    const charts = this.charts;
    if (!charts || !chart) return;
    const job = (async () => {
      const { images, note } = await charts.draw(chart);
      const problem = note ?? (await shareCharts(this.slack, this.logger, { channel, threadTs: ts }, images));
      if (problem) await this.slack.chat.postMessage({ channel, thread_ts: ts, text: `:bar_chart: ${escapeMrkdwn(problem)}` });
    })()
      .catch((error: unknown) => this.logger.warn({ err: error, stage: chart.stage }, `could not attach the ${chart.moment} chart`))
      .finally(() => this.chartJobs.delete(job));
    this.chartJobs.add(job);
  }

  async changedOutside(watch: WatchInfo, description: string): Promise<void> {
    await this.outbox.post(`outside change of the listener of ${watch.stage}`, {
      channel: watch.channel,
      threadTs: watch.threadTs,
      message: changedOutsideMessage(watch, description),
    });
  }

  async ended(watch: WatchInfo, reason: Exclude<WatchEndReason, 'completed'>): Promise<void> {
    await this.outbox.post(`end of the watch of ${watch.stage}`, {
      channel: watch.channel,
      threadTs: watch.threadTs,
      message: watchEndedMessage(watch, reason),
    });
  }

  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    this.logger[level]({ err: error }, message);
  }
}
