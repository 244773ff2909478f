// Posts prep's summary in the channel and its charts in the summary's thread. The charts are rendered to
// PNG first (so no chart depends on a public URL) and uploaded with Slack's external upload flow; when
// rendering or uploading fails, the summary says so in words and stays a complete text summary.
import type { webApi } from '@slack/bolt';
import { prepSummaryMessage } from '../blocks/prep';
import { chartUploadFailedNote, renderPrepCharts, type RenderedChart } from '../core/prep-charts';
import { plainMessage } from '../core/format';
import type { PrepCompleted, PrepFailed } from '../core/prep';
import type { ChartRenderer } from '../core/ports';
import type { Logger } from '../logger';
import { describeSlackError } from './errors';
import { uploadPng } from './upload';

export interface PublishedSummary {
  /** The summary message's ts. */
  ts: string;
  /** Charts uploaded into the summary's thread. */
  uploaded: number;
  /** What the summary says about the charts, if anything. */
  chartsNote?: string;
}

export const CHARTS_IN_THREAD = "Charts of the baseline window are in this message's thread.";

function join(...notes: (string | undefined)[]): string | undefined {
  const parts = notes.filter((n): n is string => !!n);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/**
 * Posts the summary; throws only when the summary itself could not be posted (the caller then tells the
 * operator another way). Chart trouble never throws: it ends up as a note in the summary.
 */
export async function publishPrepSummary(
  slack: webApi.WebClient,
  renderer: ChartRenderer,
  log: Logger,
  channel: string,
  outcome: PrepCompleted | PrepFailed,
): Promise<PublishedSummary> {
  let charts: RenderedChart[] = [];
  let renderNote: string | undefined;
  if (outcome.kind === 'completed') {
    try {
      ({ charts, note: renderNote } = await renderPrepCharts(renderer, outcome));
    } catch (error) {
      renderNote = `Charts could not be rendered, so this summary is text only. ${plainMessage(error)}`;
    }
    if (renderNote) log.warn({ note: renderNote }, 'prep charts not (all) rendered');
  }

  const firstNote = join(renderNote, charts.length > 0 ? CHARTS_IN_THREAD : undefined);
  const summary = prepSummaryMessage(outcome, { chartsNote: firstNote });
  const posted = await slack.chat.postMessage({ channel, text: summary.text, blocks: summary.blocks });
  if (!posted.ts) throw new Error('Slack did not return the posted summary');
  const ts = posted.ts;

  let uploaded = 0;
  let uploadError: unknown;
  for (const chart of charts) {
    try {
      await uploadPng(slack, { channel, threadTs: ts, filename: chart.spec.filename, title: chart.spec.title, png: chart.png });
      uploaded += 1;
    } catch (error) {
      // The first failure usually explains the rest (scope, channel, Slack down): do not try the others.
      uploadError = error;
      break;
    }
  }
  if (uploadError === undefined) return { ts, uploaded, chartsNote: firstNote };

  log.warn({ err: uploadError, uploaded, charts: charts.length }, 'prep charts could not be uploaded');
  const why = describeSlackError(uploadError);
  const uploadNote =
    uploaded === 0
      ? chartUploadFailedNote(why)
      : `${charts.length - uploaded} of ${charts.length} charts could not be uploaded (${why}); the others are in this message's thread.`;
  const chartsNote = join(renderNote, uploadNote);
  const corrected = prepSummaryMessage(outcome, { chartsNote });
  try {
    await slack.chat.update({ channel, ts, text: corrected.text, blocks: corrected.blocks });
  } catch (error) {
    log.warn({ err: error }, 'could not correct the prep summary after the chart upload failed; saying so in its thread');
    await slack.chat
      .postMessage({ channel, thread_ts: ts, text: uploadNote })
      .catch((replyError: unknown) => log.error({ err: replyError }, 'could not say that the charts are missing'));
  }
  return { ts, uploaded, chartsNote };
}
