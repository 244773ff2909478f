// The fake Slack refuses what real Slack refuses, so end-to-end tests prove the real contract.
import { webApi } from '@slack/bolt';
import { FakeSlack } from './fake-slack';

describe('FakeSlack refuses what Slack refuses', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeEach(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-t', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(() => fake.stop());

  it('blocks over the limits: invalid_blocks', async () => {
    const blocks = [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }];
    await expect(client.chat.postMessage({ channel: 'C1', text: 'x', blocks } as never)).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(fake.violations.join('\n')).toContain('151 characters');
  });

  it('missing arguments: invalid_arguments', async () => {
    await expect(client.chat.update({ channel: 'C1', text: 'x' } as never)).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(client.chat.postEphemeral({ channel: 'C1', text: 'x' } as never)).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    await expect(client.files.completeUploadExternal({ files: [] as never, thread_ts: '1.2' } as never)).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(fake.violations).toEqual(expect.arrayContaining(['chat.update: missing ts', 'chat.postEphemeral: missing user']));
  });

  it('a modal title over 24 characters', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] };
    await expect(client.views.open({ trigger_id: 't', view } as never)).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
  });
});
