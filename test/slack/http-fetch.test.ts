// slackFetch carries every call to Slack: the generic transport is tested in test/adapters/http-fetch.test.ts;
// these tests hold slackFetch to what is its own (the 20 MB cap, FormData, the Web API client's use of it), each
// against a real node:http server on 127.0.0.1 (port 0).
import { Readable, pipeline } from 'node:stream';
import { webApi } from '@slack/bolt';
import { MAX_ANSWER_BYTES, slackFetch } from '../../src/slack/http-fetch';
import { closeRecordingServers, startServer, type TestServer } from '../support/recording-server';

afterEach(closeRecordingServers);

describe('slackFetch', () => {
  describe('answer size', () => {
    const MB = Buffer.alloc(2 ** 20, 0x61);

    /** Streams `megabytes` MB plus `extra` bytes, chunked (no content-length), as an unbounded answer would come. */
    function streamingServer(megabytes: number, extra: number): Promise<TestServer> {
      return startServer((_req, res) => {
        async function* chunks(): AsyncGenerator<Buffer> {
          for (let i = 0; i < megabytes; i++) yield MB;
          if (extra > 0) yield MB.subarray(0, extra);
        }
        // The client hangs up part way: pipeline then ends the stream quietly instead of writing on.
        pipeline(Readable.from(chunks()), res, () => undefined);
      });
    }

    it('refuses an answer larger than MAX_ANSWER_BYTES', async () => {
      expect(MAX_ANSWER_BYTES).toBe(20 * 2 ** 20);
      const server = await streamingServer(MAX_ANSWER_BYTES / 2 ** 20 + 4, 0);

      const started = Date.now();
      await expect(slackFetch(`${server.origin}/huge`)).rejects.toThrow(/larger than 20 MB/);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('refuses an answer one byte past the limit and takes one exactly at it', async () => {
      const over = await streamingServer(MAX_ANSWER_BYTES / 2 ** 20, 1);
      await expect(slackFetch(`${over.origin}/huge`)).rejects.toThrow(/larger than 20 MB/);

      const exact = await streamingServer(MAX_ANSWER_BYTES / 2 ** 20, 0);
      const response = await slackFetch(`${exact.origin}/big`);
      expect((await response.arrayBuffer()).byteLength).toBe(MAX_ANSWER_BYTES);
    });
  });

  it('hands a FormData body to the built-in fetch, which sends it as multipart/form-data', async () => {
    const server = await startServer((_req, res) => res.end('stored'));
    const form = new FormData();
    form.append('channels', 'C1');
    form.append('file', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'chart.png');

    const response = await slackFetch(`${server.origin}/upload`, { method: 'POST', body: form });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('stored');
    const [request] = server.received;
    expect(request!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const body = request!.body.toString('latin1');
    expect(body).toContain('name="channels"');
    expect(body).toContain('filename="chart.png"');
    expect(body).toContain('\x89PNG');
  });

  describe('as the Web API client’s fetch', () => {
    function client(server: TestServer, options: webApi.WebClientOptions = {}): webApi.WebClient {
      return new webApi.WebClient('xoxb-test', { slackApiUrl: `${server.origin}/api/`, fetch: slackFetch, retryConfig: { retries: 0 }, ...options });
    }

    it('posts chat.postMessage and returns the JSON answer', async () => {
      const server = await startServer((_req, res) => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ ok: true, channel: 'C1', ts: '1767268800.000100' }));
      });

      const result = await client(server).chat.postMessage({ channel: 'C1', text: 'hello' });

      expect(result).toMatchObject({ ok: true, channel: 'C1', ts: '1767268800.000100' });
      const [request] = server.received;
      expect(request).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
      expect(request!.headers).toMatchObject({ authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' });
      expect(new URLSearchParams(request!.body.toString('utf8')).get('text')).toBe('hello');
    });

    it('reports an HTTP 429 with Retry-After as a rate-limit error', async () => {
      const server = await startServer((_req, res) => {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.end('{"ok":false,"error":"ratelimited"}');
      });

      await expect(client(server, { rejectRateLimitedCalls: true }).chat.postMessage({ channel: 'C1', text: 'hello' })).rejects.toMatchObject({
        code: webApi.ErrorCode.RateLimitedError,
        retryAfter: 7,
      });
      expect(server.received).toHaveLength(1);
    });
  });
});
