import { webApi } from '@slack/bolt';
import { uploadCharts } from '../../src/slack/upload';
import { FakeSlack } from '../support/fake-slack';

describe('uploadCharts', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeEach(async () => {
    fake = await FakeSlack.start();
    // Quiet: the hung upload's connection is closed after its test, and the client would log that too late.
    client = new webApi.WebClient('xoxb-upload-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
  });
  afterEach(async () => {
    await fake.stop();
  });

  const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, n]);

  it('shares every image of a message in one files.completeUploadExternal, in the thread', async () => {
    const ids = await uploadCharts(client, {
      channel: 'C0SWITCH',
      threadTs: '1767268800.000100',
      images: [
        { filename: 'dev-status.png', title: 'Status', png: png(1) },
        { filename: 'dev-prep.png', title: 'Prep', png: png(2) },
      ],
    });
    expect(fake.callsOf('files.getUploadURLExternal').map((c) => c.args.filename)).toEqual(['dev-status.png', 'dev-prep.png']);
    expect(fake.uploads.map((u) => u.bytes)).toEqual([png(1), png(2)]);
    const completes = fake.callsOf('files.completeUploadExternal');
    expect(completes).toHaveLength(1); // one share: one thread message with both images
    expect(completes[0]!.args).toMatchObject({ channel_id: 'C0SWITCH', thread_ts: '1767268800.000100' });
    expect((completes[0]!.args.files as { id: string }[]).map((f) => f.id)).toEqual(ids);
    expect(ids).toHaveLength(2);
  });

  it('fails plainly when Slack refuses the upload, sharing nothing', async () => {
    fake.fail('files.getUploadURLExternal', 'not_in_channel');
    await expect(uploadCharts(client, { channel: 'C0SWITCH', images: [{ filename: 'a.png', title: 'A', png: png(1) }] })).rejects.toMatchObject({
      data: { error: 'not_in_channel' },
    });
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
  });

  it('gives up when Slack does not take the files in time', async () => {
    fake.hang('files.completeUploadExternal');
    const slow = uploadCharts(client, { channel: 'C0SWITCH', images: [{ filename: 'a.png', title: 'A', png: png(1) }] }, 200);
    await expect(slow).rejects.toThrow(/did not take the charts within 0.2 s/);
  });
});
