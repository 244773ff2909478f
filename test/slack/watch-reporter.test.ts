// SlackWatchReporter against a scripted Web API client: what it retries, what it gives up on, and in what order.
import type { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import type { WatchInfo } from '../../src/core/watch';
import { createLogger } from '../../src/logger';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAY_MS, SlackWatchReporter } from '../../src/slack/watch-reporter';

const platform = (error: string) => Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
const rateLimited = () => Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 1 });

const WATCH: WatchInfo = {
  stage: 'dev',
  requestId: 'r-1',
  channel: 'C1',
  threadTs: '1.1',
  appliedWeights: { source: 0, target: 100 },
  appliedAt: 0,
  mode: 'shift',
  until: 3_600_000,
};

function scripted() {
  const posted: string[] = [];
  const failures: Error[] = [];
  const client = {
    chat: {
      postMessage: async (args: { text: string }) => {
        const failure = failures.shift();
        if (failure) throw failure;
        posted.push(args.text);
        return { ok: true, ts: `${posted.length}.0` };
      },
      update: async () => ({ ok: true }),
    },
  } as unknown as webApi.WebClient;
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
  const clock = new ManualClock(0);
  return { reporter: new SlackWatchReporter(client, logger, clock), posted, failures, lines, clock };
}

describe('SlackWatchReporter', () => {

  it('throws a lasting failure at once, so the watcher logs it', async () => {
    const { reporter, failures } = scripted();
    failures.push(platform('not_in_channel'));
    await expect(reporter.ended(WATCH, 'stopped')).rejects.toThrow('not_in_channel');
    expect(reporter.queued).toBe(0);
  });

  it('queues a rate-limited message, keeps later ones behind it, and sends them in order a minute later', async () => {
    const { reporter, failures, posted, clock } = scripted();
    failures.push(rateLimited());
    await reporter.ended(WATCH, 'stopped');
    failures.push(rateLimited());
    await reporter.ended(WATCH, 'superseded');
    expect(reporter.queued).toBe(2);
    expect(posted).toEqual([]);
    await clock.advance(RETRY_DELAY_MS);
    expect(posted).toEqual([
      'Stopped watching dev (r-1): watching was stopped.',
      'Stopped watching dev (r-1): a newer change on this stage is being watched instead.',
    ]);
    expect(reporter.queued).toBe(0);
  });

  it(`gives up on a message after ${MAX_DELIVERY_ATTEMPTS} attempts and says so in the log`, async () => {
    const { reporter, failures, posted, clock, lines } = scripted();
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) failures.push(rateLimited());
    await reporter.ended(WATCH, 'stopped');
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS; i++) await clock.advance(RETRY_DELAY_MS);
    expect(reporter.queued).toBe(0);
    expect(posted).toEqual([]);
    expect(lines.join('')).toContain('giving up on a watch message');
  });

  it('stops retrying on shutdown', async () => {
    const { reporter, failures, posted, clock, lines } = scripted();
    failures.push(rateLimited());
    await reporter.ended(WATCH, 'stopped');
    reporter.stop();
    expect(clock.pending).toBe(0);
    await clock.advance(RETRY_DELAY_MS);
    expect(posted).toEqual([]);
    expect(lines.join('')).toContain('watch messages still unsent at shutdown');
  });
});
