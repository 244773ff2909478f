import type { types } from '@slack/bolt';
import { HISTORY_PAGE_ACTION, historyBlocks, parseHistoryPageValue } from '../../src/blocks/history';
import { MAX_BLOCKS } from '../../src/blocks/common';
import type { HistoryPage } from '../../src/core/history';

const T0 = Date.UTC(2026, 0, 1, 12, 0);

function page(overrides: Partial<HistoryPage> = {}): HistoryPage {
  return {
    stage: 'dev',
    page: 1,
    pageSize: 2,
    totalPages: 3,
    totalEntries: 5,
    entries: [
      { at: T0 + 60_000, type: 'request.failed', requestId: 'r-1', text: 'Failed request r-1: AccessDenied <arn>' },
      { at: T0, type: 'request.created', requestId: 'r-1', text: '<@U1> asked to shift 10%' },
    ],
    ...overrides,
  };
}

describe('historyBlocks', () => {
  it('lists the page newest first, with dates, escaped text and an Older button for the next page', () => {
    const message = historyBlocks(page());
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: 'History of dev' } });
    expect(JSON.stringify(message.blocks[1])).toContain('Page 1 of 3 · newest first · 5 entries in all');
    const sections = message.blocks.filter((b): b is types.SectionBlock => b.type === 'section').map((b) => b.text!.text);
    expect(sections).toEqual([
      `<!date^${(T0 + 60_000) / 1000}^{date_short_pretty} {time}|2026-01-01 12:01 UTC> · Failed request r-1: AccessDenied &lt;arn&gt;`,
      `<!date^${T0 / 1000}^{date_short_pretty} {time}|2026-01-01 12:00 UTC> · <@U1> asked to shift 10%`,
    ]);
    const actions = message.blocks.find((b): b is types.ActionsBlock => b.type === 'actions')!;
    expect(actions.elements).toEqual([
      { type: 'button', action_id: HISTORY_PAGE_ACTION, text: { type: 'plain_text', text: 'Older', emoji: true }, value: '{"stage":"dev","page":2}' },
    ]);
    expect(parseHistoryPageValue((actions.elements[0] as { value: string }).value)).toEqual({ stage: 'dev', page: 2 });
    expect(message.text).toBe('History of dev, page 1 of 3 (newest first).');
  });

  it('has no Older button on the last page', () => {
    expect(historyBlocks(page({ page: 3 })).blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('says when nothing was recorded yet', () => {
    const message = historyBlocks(page({ totalEntries: 0, totalPages: 1, entries: [] }));
    expect(JSON.stringify(message.blocks)).toContain('Nothing has been recorded for dev yet.');
    expect(message.text).toBe('History of dev: nothing recorded yet.');
  });

  it('stays within 50 blocks however big the page', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ at: T0 + i, type: 'request.created', text: `entry ${i}` }));
    expect(historyBlocks(page({ entries, pageSize: 100 })).blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  });

  it('rejects button values that are not ours', () => {
    for (const value of [undefined, '', 'nope', '{"stage":"dev"}', '{"stage":"dev","page":0}', '[]']) {
      expect(parseHistoryPageValue(value)).toBeUndefined();
    }
  });
});
