// Posts prep's summary in the channel and its charts in the summary's thread. The charts are rendered to
// PNG first (so no chart depends on a public URL) and uploaded with Slack's external upload flow; when
// rendering or uploading fails, the summary says so in words and stays a complete text summary.
import type { webApi } from '@slack/bolt';
import { prepSummaryMessage } from '../blocks/prep';
import { prepChart } from '../charts/prep';
import type { PrepCompleted, PrepFailed } from '../core/prep';
import type { ChartRenderer } from '../core/ports';
import type { Logger } from '../logger';
import { noteCharts, renderCharts, shareCharts, type RenderedCharts } from './chart-post';

export interface PublishedSummary {
  /** The summary message's ts. */
  ts: string;
  /** Charts shared in the summary's thread. */
  uploaded: number;
  /** What the summary says about the charts, if anything. */
  chartsNote?: string;
}

export const CHARTS_IN_THREAD = "A chart of the baseline window is in this message's thread.";

function join(...notes: (string | undefined)[]): string | undefined {
  const parts = notes.filter((n): n is string => !!n);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Prep's chart drawn, or why there is none. */
async function drawPrepChart(renderer: ChartRenderer, outcome: PrepCompleted): Promise<RenderedCharts> {
  if (!outcome.snapshot) return { images: [], note: 'No chart: CloudWatch metrics were not available.' };
  const spec = prepChart(outcome.stage, outcome.snapshot, outcome.baseline);
  if (!spec) return { images: [], note: 'No chart: there were no datapoints in the baseline window.' };
  const drawn = await renderCharts(renderer, [spec]);
  return drawn.note ? { ...drawn, note: `${drawn.note} This summary is text only.` } : drawn;
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
  const { images, note: renderNote } = outcome.kind === 'completed' ? await drawPrepChart(renderer, outcome) : { images: [], note: undefined };
  if (renderNote) log.warn({ note: renderNote }, 'prep chart not drawn');

  const firstNote = join(renderNote, images.length > 0 ? CHARTS_IN_THREAD : undefined);
  const summary = prepSummaryMessage(outcome, { chartsNote: firstNote });
  const posted = await slack.chat.postMessage({ channel, text: summary.text, blocks: summary.blocks });
  if (!posted.ts) throw new Error('Slack did not return the posted summary');
  const ts = posted.ts;

  const uploadNote = await shareCharts(slack, log, { channel, threadTs: ts }, images);
  if (uploadNote === undefined) return { ts, uploaded: images.length, ...(firstNote ? { chartsNote: firstNote } : {}) };

  const chartsNote = join(renderNote, `${uploadNote} This summary is text only.`);
  await noteCharts(slack, log, { channel, ts }, prepSummaryMessage(outcome, { chartsNote }), uploadNote);
  return { ts, uploaded: 0, chartsNote };
}
