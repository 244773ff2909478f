// Posts `/switchover status <stage>` in the channel, then its charts in the message's thread. Charts that
// cannot be drawn or uploaded never cost the status: the message then says so in words.
import type { webApi } from '@slack/bolt';
import { context, escapeMrkdwn, type SlackMessage } from '../blocks/common';
import { statusMessage } from '../blocks/status';
import { statusCharts } from '../charts/status';
import type { ChartRenderer, ChartSpec } from '../core/ports';
import type { StageStatus } from '../core/status';
import { errorMessage, mention } from '../core/format';
import type { Logger } from '../logger';
import { describeSlackError } from './errors';
import { uploadPng } from './upload';

export interface StatusPostDeps {
  slack: webApi.WebClient;
  charts: ChartRenderer;
  logger: Logger;
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

/** The charts to draw, or why there are none. */
export function statusChartSpecs(status: StageStatus): { specs: ChartSpec[]; note?: string } {
  if (!status.snapshot) return { specs: [], note: 'No charts: CloudWatch metrics could not be read.' };
  const specs = statusCharts(status.stage, status.snapshot, status.changes);
  if (specs.length === 0) {
    return status.snapshot.missing.length > 0
      ? { specs, note: `No charts: CloudWatch metrics could not be read (${status.snapshot.missing.join('; ')}).` }
      : { specs, note: 'No charts: CloudWatch has no datapoints for the last 60 minutes.' };
  }
  return { specs };
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

  const { specs, note } = statusChartSpecs(status);
  let uploaded = 0;
  const problems: string[] = [];
  if (specs.length > 0) {
    const rendered = await Promise.allSettled(specs.map((spec) => deps.charts.render(spec)));
    const renderFailures = rendered.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason)] : []));
    if (renderFailures.length > 0) problems.push(`could not be drawn: ${[...new Set(renderFailures)].join(' ')}`);
    // In order (requests, then errors and latency), so the thread reads the same way every time.
    for (let i = 0; i < specs.length; i++) {
      const r = rendered[i]!;
      if (r.status !== 'fulfilled') continue;
      const spec = specs[i]!;
      try {
        await uploadPng(deps.slack, { channel, threadTs: ts, filename: spec.filename, title: spec.title, png: r.value });
        uploaded++;
      } catch (error) {
        deps.logger.warn({ err: error, stage: status.stage }, 'status chart upload failed');
        problems.push(`could not be uploaded: ${describeSlackError(error)}`);
        break; // the next upload would most likely fail the same way
      }
    }
  }
  const chartsNote =
    note ??
    (problems.length > 0
      ? `${specs.length - uploaded} of ${specs.length} charts ${problems.join('; ')}. The figures above are complete.`
      : undefined);
  if (chartsNote) await addNote(deps, channel, ts, message, chartsNote, status.stage);
  return chartsNote ? { posted: true, ts, charts: uploaded, chartsNote } : { posted: true, ts, charts: uploaded };
}

/** Adds the charts note to the status message; a thread reply when the message cannot be updated. */
async function addNote(
  deps: StatusPostDeps,
  channel: string,
  ts: string,
  message: SlackMessage,
  note: string,
  stage: string,
): Promise<void> {
  const text = `:bar_chart: ${escapeMrkdwn(note)}`;
  try {
    await deps.slack.chat.update({ channel, ts, text: message.text, blocks: [...message.blocks, context(text)] });
    return;
  } catch (error) {
    deps.logger.warn({ err: error, stage }, 'could not add the charts note to the status message');
  }
  try {
    await deps.slack.chat.postMessage({ channel, thread_ts: ts, text });
  } catch (error) {
    deps.logger.warn({ err: error, stage }, 'could not post the charts note');
  }
}
