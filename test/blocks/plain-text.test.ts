import { messageToPlainText, mrkdwnToPlain, viewToPlainText } from '../../src/blocks/plain-text';
import { approveConfirmView } from '../../src/blocks/request';
import type { SwitchoverRequest } from '../../src/core/requests/request';

describe('mrkdwnToPlain', () => {
  it('drops emphasis and code marks, keeps the words', () => {
    expect(mrkdwnToPlain('*Weights now:* source 1 / _target_ 0, ~old~ `dev`')).toBe('Weights now: source 1 / target 0, old dev');
  });

  it('keeps marks that are not at word edges (arithmetic, file names)', () => {
    expect(mrkdwnToPlain('2*3*4 and my_file_name')).toBe('2*3*4 and my_file_name');
  });

  it('spells out mentions, groups, channels, links and dates', () => {
    const text =
      '<@U0ALICE> asks <!subteam^S0APPROVERS|@approvers> and <!subteam^S0OPS> in <#C0SWITCH> ' +
      '(<https://example.com/runbook|runbook>, <https://example.com>) until <!date^1767268800^{time}|12:00 UTC>; <!here>';
    expect(mrkdwnToPlain(text, { names: { U0ALICE: 'alice', C0SWITCH: 'switchover' } })).toBe(
      '@alice asks @approvers and @S0OPS in #switchover (runbook (https://example.com/runbook), https://example.com) until 12:00 UTC; @here',
    );
  });

  it('unescapes what Slack escapes, after the links are read', () => {
    expect(mrkdwnToPlain('a &lt;b&gt; &amp; <@U1>')).toBe('a <b> & @U1');
  });

  it('uses the ISO time for a date without fallback text', () => {
    expect(mrkdwnToPlain('<!date^1767268800^{time}>')).toBe('2026-01-01T12:00:00Z');
  });
});

describe('messageToPlainText', () => {
  it('renders headers, sections with fields, context, dividers and buttons', () => {
    const text = messageToPlainText({
      text: 'fallback text',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Shift dev to 10%' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Now:* source 1 / target 0' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Requested by*\n<@U0ALICE>' },
            { type: 'mrkdwn', text: '*Expires*\n12:15 UTC' },
          ],
        },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Request r1' }, { type: 'plain_text', text: 'applied once' }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'a', style: 'primary' },
            { type: 'button', text: { type: 'plain_text', text: 'Reject' }, action_id: 'r', style: 'danger' },
          ],
        },
        { type: 'image', image_url: 'https://x/y.png', alt_text: 'requests per minute' },
      ],
    });
    expect(text).toBe(
      [
        'SHIFT DEV TO 10%',
        '================',
        'Now: source 1 / target 0',
        'Requested by: @U0ALICE',
        'Expires: 12:15 UTC',
        '-'.repeat(40),
        '  Request r1 applied once',
        '[Approve] [Reject]',
        '[image: requests per minute]',
      ].join('\n'),
    );
  });

  it('falls back to the text when there are no blocks', () => {
    expect(messageToPlainText({ text: '*done*: <@U0BOB> approved' }, { names: { U0BOB: 'bob' } })).toBe('done: @bob approved');
  });

  it('ignores what it does not know instead of failing', () => {
    expect(messageToPlainText({ blocks: [null, 3, { type: 'rich_text' }, { type: 'section' }] })).toBe('');
    expect(messageToPlainText({})).toBe('');
  });
});

describe('viewToPlainText', () => {
  it('renders the Approve confirmation dialog with its buttons', () => {
    const request = {
      id: 'r-123',
      kind: 'fallback',
      stage: 'dev',
      percent: 0,
      requester: 'U0ALICE',
      channel: 'C0SWITCH',
      status: 'open',
      from: { source: 1, target: 1 },
      to: { source: 1, target: 0 },
      createdAt: Date.UTC(2026, 0, 1, 12),
      expiresAt: Date.UTC(2026, 0, 1, 12, 15),
    } as unknown as SwitchoverRequest;
    const text = viewToPlainText(approveConfirmView(request), { names: { U0ALICE: 'alice' } });
    expect(text).toMatch(/^APPROVE THE CHANGE\n=+\n/);
    expect(text).toContain('Requested by: @alice');
    expect(text).toContain('Request r-123.');
    expect(text).not.toMatch(/[*<>]/);
    expect(text.endsWith('[Apply] [Cancel]')).toBe(true);
  });
});

describe('emoji codes', () => {
  it('turns the codes the bot uses into symbols and leaves others', () => {
    expect(mrkdwnToPlain(':white_check_mark: done :hourglass_flowing_sand: :unicorn_face: 12:30:45')).toBe('[ok] done [..] :unicorn_face: 12:30:45');
    expect(mrkdwnToPlain(':warning: x', { emoji: { warning: '!' } })).toBe('! x');
  });
});
