// Posts `/switchover status <stage>` in the channel, then its chart in the message's thread. A chart that
// cannot be drawn or uploaded never costs the status: the message then says so in words.
import type { webApi } from '@slack/bolt';
import { context, escapeMrkdwn, type SlackMessage } from '../blocks/common';
import { statusMessage } from '../blocks/status';
import { guardrailLimits } from '../charts/status';
import { switchoverChart } from '../charts/switchover';
import type { ChartRenderer, ChartSpec } from '../core/ports';
import type { StageStatus } from '../core/status';
import { mention } from '../core/format';
import type { Logger } from '../logger';
import { describeSlackError } from './errors';
import { noteCharts, renderCharts, shareCharts } from './chart-post';

export interface StatusPostDeps {
  slack: webApi.WebClient;
  charts: ChartRenderer;
  logger: Logger;
  /** The guardrails' margins (SWITCHOVER_GUARD_*), drawn against the baseline on the chart. */
  margins?: GuardrailMargins;
}

export interface GuardrailMargins {
  errorRatePoints: number;
  p99Factor: number;
}

export type StatusPostOutcome =
  | { posted: true; ts: string; charts: number; chartsNote?: string }
  /** The channel post failed: the caller shows `message` to the operator instead. */
  | { posted: false; error: string; message: SlackMessage };

/** The status message with who asked for it. */
export function statusMessageFor(status: StageStatus, requestedBy: string): SlackMessage {
  const message = statusMessage(status);
  return { text: message.text, blocks: [...message.blocks, context(`Asked for by ${mention(requestedBy)}.`)] };
}

/** The chart to draw, or why there is none. */
export function statusChartSpecs(status: StageStatus, margins?: GuardrailMargins): { specs: ChartSpec[]; note?: string } {
  if (!status.snapshot) return { specs: [], note: 'No chart: CloudWatch metrics could not be read.' };
  const chart = switchoverChart({
    stage: status.stage,
    moment: 'status',
    snapshot: status.snapshot,
    changes: status.changes,
    ...(status.listener.ok ? { configuredPercent: status.listener.value.targetPercent } : {}),
    ...(margins ? { limits: guardrailLimits(status.baseline, margins) } : {}),
  });
  if (chart) return { specs: [chart] };
  return status.snapshot.missing.length > 0
    ? { specs: [], note: `No chart: CloudWatch metrics could not be read (${status.snapshot.missing.join('; ')}).` }
    : { specs: [], note: 'No chart: CloudWatch has no datapoints for the last 60 minutes.' };
}

export async function postStatus(
  deps: StatusPostDeps,
  channel: string,
  status: StageStatus,
  requestedBy: string,
): Promise<StatusPostOutcome> {
  const message = statusMessageFor(status, requestedBy);
  let ts: string;
  try {
    const posted = await deps.slack.chat.postMessage({ channel, ...message });
    if (!posted.ts) throw new Error('Slack returned no message timestamp');
    ts = posted.ts;
  } catch (error) {
    return { posted: false, error: describeSlackError(error), message };
  }

  const { specs, note } = statusChartSpecs(status, deps.margins);
  const { images, note: drawNote } = await renderCharts(deps.charts, specs);
  const shareNote = await shareCharts(deps.slack, deps.logger, { channel, threadTs: ts }, images);
  const problems = [drawNote, shareNote].filter((n): n is string => n !== undefined);
  const chartsNote = note ?? (problems.length > 0 ? `${problems.join(' ')} The figures above are complete.` : undefined);
  const uploaded = shareNote ? 0 : images.length;
  if (chartsNote) {
    const text = `:bar_chart: ${escapeMrkdwn(chartsNote)}`;
    await noteCharts(deps.slack, deps.logger, { channel, ts }, { text: message.text, blocks: [...message.blocks, context(text)] }, text);
  }
  return chartsNote ? { posted: true, ts, charts: uploaded, chartsNote } : { posted: true, ts, charts: uploaded };
}
