// SlackWatchReporter against a scripted Web API client: a lasting failure reaches the watcher, a passing one
// leaves the message in the outbox (test/slack/outbox.test.ts tests the outbox itself), sent in order later.
import type { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import type { WatchInfo } from '../../src/core/watch';
import { createLogger } from '../../src/logger';
import { RETRY_MS, SlackOutbox } from '../../src/slack/outbox';
import { SlackWatchReporter } from '../../src/slack/watch-reporter';

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
  const logger = createLogger({ level: 'silent' });
  const clock = new ManualClock(0);
  const outbox = new SlackOutbox({ slack: client, clock, logger });
  return { reporter: new SlackWatchReporter(client, logger, outbox), outbox, posted, failures, clock };
}

describe('SlackWatchReporter', () => {
  it('throws a lasting failure at once, so the watcher logs it', async () => {
    const { reporter, outbox, failures } = scripted();
    failures.push(platform('not_in_channel'));
    await expect(reporter.ended(WATCH, 'stopped')).rejects.toThrow('not_in_channel');
    expect(outbox.pending()).toEqual([]);
  });

  it('leaves a rate-limited message in the outbox, later ones behind it, and they go out in order', async () => {
    const { reporter, outbox, failures, posted, clock } = scripted();
    failures.push(rateLimited());
    await reporter.ended(WATCH, 'stopped');
    await reporter.ended(WATCH, 'superseded');
    expect(outbox.pending().map((r) => r.what)).toEqual(['end of the watch of dev', 'end of the watch of dev']);
    expect(posted).toEqual([]);
    await clock.advance(RETRY_MS);
    await outbox.sweep();
    expect(posted).toEqual([
      'Stopped watching dev (r-1): watching was stopped.',
      'Stopped watching dev (r-1): a newer change on this stage is being watched instead.',
    ]);
    expect(outbox.pending()).toEqual([]);
  });
});
