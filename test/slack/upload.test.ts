import { webApi } from '@slack/bolt';
import { uploadPng } from '../../src/slack/upload';
import { FakeSlack } from '../support/fake-slack';

describe('uploadPng', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeEach(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-upload-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await fake.stop();
  });

  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

  it('asks for an upload URL, posts the bytes there without the token, and shares the file in the thread', async () => {
    const fileId = await uploadPng(client, { channel: 'C0SWITCH', threadTs: '1767268800.000100', filename: 'dev-requests.png', title: 'Requests', png });
    expect(fake.callsOf('files.getUploadURLExternal')[0]!.args).toEqual({ filename: 'dev-requests.png', length: String(png.length) });
    expect(fake.uploads).toEqual([{ fileId, bytes: png, contentType: 'image/png' }]);
    expect(fake.callsOf('files.completeUploadExternal')[0]!.args).toEqual({
      files: [{ id: fileId, title: 'Requests' }],
      channel_id: 'C0SWITCH',
      thread_ts: '1767268800.000100',
    });
  });

  it('fails plainly when Slack refuses the upload, sharing nothing', async () => {
    fake.fail('files.getUploadURLExternal', 'not_in_channel');
    await expect(uploadPng(client, { channel: 'C0SWITCH', filename: 'a.png', title: 'A', png })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
  });
});
