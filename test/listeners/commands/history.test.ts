// `/switchover history` end to end: the stage's audit trail, newest first, paged with an "Older" button.
import { HISTORY_PAGE_ACTION } from '../../../src/blocks/history';
import {
  ALICE,
  approveAll,
  BOB,
  clickReject,
  command,
  messageShows,
  request,
  shown,
  startRequestHarness,
  type RequestHarness,
} from '../actions/request-support';

describe('/switchover history', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  async function historyOf(text: string): Promise<{ body: Record<string, unknown>; sent: Awaited<ReturnType<RequestHarness['slash']>> }> {
    const sent = await h.slash(text, { user: BOB });
    const { body } = await h.responseTo(sent);
    return { body, sent };
  }

  it('says when nothing was recorded yet', async () => {
    const { body } = await historyOf('history staging');
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toBe('History of staging: nothing recorded yet.');
  });

  it('shows who asked, who approved and what changed, newest first', async () => {
    const first = await request(h, 'shift staging 10');
    await approveAll(h, first.request.id, first.message.ts);
    const second = await request(h, 'shift staging 50');
    await clickReject(h, second.request.id, BOB, second.message.ts);
    await messageShows(h, second.message.ts, 'Rejected');

    const { body } = await historyOf('history staging');
    const text = shown(body as { text?: string; blocks?: unknown[] });
    const rejected = text.indexOf(`<@${BOB}> rejected`);
    const applied = text.search(/applied/i);
    expect(rejected).toBeGreaterThan(-1);
    expect(applied).toBeGreaterThan(rejected); // newest first
    expect(text).toContain(`<@${ALICE}>`);
    expect(text).toContain('source 90 / target 10');
  });

  it('pages with an Older button that replaces the message in place', async () => {
    // Six requests cancelled: 12 entries, two pages of ten.
    for (let i = 0; i < 6; i++) {
      await request(h, `shift staging ${10 + i}`);
      await command(h, 'cancel staging');
    }
    const { body } = await historyOf('history staging');
    expect(String(body.text)).toBe('History of staging, page 1 of 2 (newest first).');
    const older = JSON.stringify(body.blocks).match(/"action_id":"switchover_history_page".*?"value":"((?:[^"\\]|\\.)*)"/);
    expect(older).not.toBeNull();
    const value = JSON.parse(`"${older![1]}"`) as string;
    const click = await h.click(HISTORY_PAGE_ACTION, value, { user: BOB });
    const { body: page2 } = await h.responseTo(click);
    expect(page2.replace_original).toBe(true);
    expect(page2.text).toBe('History of staging, page 2 of 2 (newest first).');
    expect(JSON.stringify(page2.blocks)).not.toContain(HISTORY_PAGE_ACTION);

    const { body: direct } = await historyOf('history staging 2');
    expect(direct.text).toBe('History of staging, page 2 of 2 (newest first).');
  });
});
