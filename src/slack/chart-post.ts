// Draws a message's charts and shares them in its thread as one upload. Never throws: what could not be
// drawn or shared comes back as a note in words, which the caller adds to the message, so a renderer or an
// upload that fails never costs the message itself.
import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '../blocks/common';
import { errorMessage } from '../core/format';
import type { ChartRenderer, ChartSpec } from '../core/ports';
import type { Logger } from '../logger';
import { describeSlackError } from './errors';
import { uploadCharts, type ChartImage } from './upload';

export interface RenderedCharts {
  images: ChartImage[];
  /** Set when some chart could not be drawn: which and why. */
  note?: string;
}

/** Draws every chart (the renderer bounds each with its deadline); failures become a note. */
export async function renderCharts(renderer: ChartRenderer, specs: ChartSpec[]): Promise<RenderedCharts> {
  const rendered = await Promise.allSettled(specs.map((spec) => renderer.render(spec)));
  const images: ChartImage[] = [];
  const failures: string[] = [];
  rendered.forEach((r, i) => {
    const spec = specs[i]!;
    if (r.status === 'fulfilled') images.push({ filename: spec.filename, title: spec.title, png: r.value });
    else failures.push(errorMessage(r.reason));
  });
  if (failures.length === 0) return { images };
  const why = [...new Set(failures)].join(' ');
  const note =
    specs.length === 1 ? `The chart could not be drawn: ${why}` : `${failures.length} of ${specs.length} charts could not be drawn: ${why}`;
  return { images, note };
}

/** Shares drawn charts in a thread; returns a note when Slack did not take them. */
export async function shareCharts(
  slack: webApi.WebClient,
  logger: Logger,
  where: { channel: string; threadTs: string },
  images: ChartImage[],
): Promise<string | undefined> {
  if (images.length === 0) return undefined;
  try {
    await uploadCharts(slack, { ...where, images });
    return undefined;
  } catch (error) {
    logger.warn({ err: error, charts: images.length }, 'charts could not be uploaded');
    return `The chart${images.length === 1 ? '' : 's'} could not be uploaded: ${describeSlackError(error)}`;
  }
}

/**
 * Says a charts note on a posted message: `updated` (the message with the note) in its place, or, when Slack
 * does not take the edit, the note in the message's thread. Never throws.
 */
export async function noteCharts(
  slack: webApi.WebClient,
  logger: Logger,
  where: { channel: string; ts: string },
  updated: SlackMessage,
  note: string,
): Promise<void> {
  try {
    await slack.chat.update({ ...where, text: updated.text, blocks: updated.blocks });
    return;
  } catch (error) {
    logger.warn({ err: error }, 'could not add the charts note to its message; saying it in the thread');
  }
  await slack.chat
    .postMessage({ channel: where.channel, thread_ts: where.ts, text: note })
    .catch((error: unknown) => logger.error({ err: error }, 'could not say the charts note in the thread either'));
}
