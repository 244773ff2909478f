// Posting a request message when Slack refuses: the request is withdrawn (nobody could approve it) and the
// requester is told why, in plain words.
import { CHANNEL } from '../support/slack-harness';
import { command, startRequestHarness, type RequestHarness } from '../listeners/actions/request-support';

describe('request messages', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('withdraws a request it cannot post, and says why', async () => {
    h.fake.notInChannel.add(CHANNEL);
    const reply = await command(h, 'shift staging 10');
    expect(reply).toContain('I could not post the request in the channel: I am not a member of this channel');
    expect(reply).toContain('The request was withdrawn; nothing changed.');
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
    h.fake.notInChannel.clear();
    const again = await command(h, 'shift staging 10');
    expect(again).toContain('is posted in');
  });
});
