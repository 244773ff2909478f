// SlackWatchReporter against a scripted Web API client: what it retries, what it gives up on, and in what order.
import type { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import type { WatchInfo } from '../../src/core/watch';
import { createLogger } from '../../src/logger';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAY_MS, SlackWatchReporter, type QueuedWatchMessage, type WatchMessageOutbox } from '../../src/slack/watch-reporter';

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

/** An outbox in memory that records what each save held. */
function memoryOutbox(initial: QueuedWatchMessage[] = []) {
  let saved: QueuedWatchMessage[] = initial;
  const saves: string[][] = [];
  const outbox: WatchMessageOutbox & { saved(): QueuedWatchMessage[]; saves: string[][]; failSaves?: boolean } = {
    saves,
    saved: () => saved,
    async load() {
      return saved;
    },
    async save(items) {
      if (outbox.failSaves) throw new Error('disk full');
      saved = JSON.parse(JSON.stringify(items)) as QueuedWatchMessage[];
      saves.push(saved.map((m) => `${m.what}#${m.attempts}`));
    },
  };
  return outbox;
}

function scripted(outbox?: WatchMessageOutbox) {
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
  return { reporter: new SlackWatchReporter(client, logger, clock, outbox), posted, failures, lines, clock };
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
  describe('with an outbox (the bot across a restart)', () => {
    it('keeps each queued message in the outbox until Slack has taken it, with its attempts', async () => {
      const outbox = memoryOutbox();
      const { reporter, failures, clock } = scripted(outbox);
      failures.push(rateLimited(), rateLimited());
      await reporter.ended(WATCH, 'stopped');
      await clock.advance(RETRY_DELAY_MS);
      await clock.advance(RETRY_DELAY_MS);
      expect(outbox.saves).toEqual([['end of the watch of dev#1'], ['end of the watch of dev#2'], []]);
      expect(outbox.saved()).toEqual([]);
    });

    it('sends at start what the last run left, in order, ahead of new messages', async () => {
      const before = memoryOutbox();
      const first = scripted(before);
      first.failures.push(rateLimited(), rateLimited());
      await first.reporter.ended(WATCH, 'stopped');
      await first.reporter.ended(WATCH, 'superseded');
      first.reporter.stop();
      expect(first.lines.join('')).toContain('watch messages still unsent at shutdown; the next start sends them');

      const second = scripted(memoryOutbox(before.saved()));
      await second.reporter.restore();
      await second.reporter.ended(WATCH, 'window-elapsed');
      expect(second.posted).toEqual([
        'Stopped watching dev (r-1): watching was stopped.',
        'Stopped watching dev (r-1): a newer change on this stage is being watched instead.',
        'Stopped watching dev (r-1): the watch window has elapsed.',
      ]);
      expect(second.reporter.queued).toBe(0);
    });

    it('counts attempts across restarts, so a message Slack keeps refusing is given up all the same', async () => {
      const outbox = memoryOutbox([{ what: 'old alert', args: { channel: 'C1', text: 'old' }, attempts: MAX_DELIVERY_ATTEMPTS - 1 }]);
      const { reporter, failures, posted, lines } = scripted(outbox);
      failures.push(rateLimited());
      await reporter.restore();
      await new Promise((r) => setImmediate(r));
      expect(posted).toEqual([]);
      expect(reporter.queued).toBe(0);
      expect(outbox.saved()).toEqual([]);
      expect(lines.join('')).toContain('giving up on a watch message');
    });

    it('goes on in memory when the outbox cannot be written, and says a restart now would lose the message', async () => {
      const outbox = memoryOutbox();
      outbox.failSaves = true;
      const { reporter, failures, posted, clock, lines } = scripted(outbox);
      failures.push(rateLimited());
      await reporter.ended(WATCH, 'stopped');
      expect(lines.join('')).toContain('could not save the unsent watch messages; a restart now would lose them');
      await clock.advance(RETRY_DELAY_MS);
      expect(posted).toEqual(['Stopped watching dev (r-1): watching was stopped.']);
    });
  });
});
