// Block Kit for `/switchover history <stage>`: one page of the audit trail, newest first, with an
// "Older" button that asks for the next page. Pure: data in, blocks out.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { HistoryPage } from '../core/history';
import { button, context, escapeText, header, MAX_BLOCKS, parseButtonValue, section, type SlackMessage } from './common';
import { slackDate } from './request';

export const HISTORY_PAGE_ACTION = 'switchover_history_page';

/** What the Older button's value carries (JSON). */
const HistoryPageValueSchema = z.object({ stage: z.string(), page: z.number().int().min(1) });
export type HistoryPageValue = z.infer<typeof HistoryPageValueSchema>;

/** Parses an Older button's value; undefined when it is not one of ours. */
export function parseHistoryPageValue(value: string | undefined): HistoryPageValue | undefined {
  return parseButtonValue(HistoryPageValueSchema, value);
}

// Header, page line and buttons take 3 blocks; the rest is for entries.
const MAX_ENTRIES = MAX_BLOCKS - 3;

export function historyBlocks(history: HistoryPage): SlackMessage {
  const blocks: types.KnownBlock[] = [header(`History of ${history.stage}`)];
  if (history.totalEntries === 0) {
    blocks.push(section(`Nothing has been recorded for ${escapeText(history.stage)} yet.`));
    return { text: `History of ${history.stage}: nothing recorded yet.`, blocks };
  }
  blocks.push(
    context(`Page ${history.page} of ${history.totalPages} · newest first · ${history.totalEntries} entries in all`),
  );
  for (const entry of history.entries.slice(0, MAX_ENTRIES)) {
    blocks.push(section(`${slackDate(entry.at)} · ${escapeText(entry.text)}`));
  }
  if (history.page < history.totalPages) {
    const value: HistoryPageValue = { stage: history.stage, page: history.page + 1 };
    const actions: types.ActionsBlock = {
      type: 'actions',
      elements: [button('Older', HISTORY_PAGE_ACTION, JSON.stringify(value))],
    };
    blocks.push(actions);
  }
  return {
    text: `History of ${history.stage}, page ${history.page} of ${history.totalPages} (newest first).`,
    blocks,
  };
}
