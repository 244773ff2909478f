// The guardrail alert and the completion message carry the switchover chart in their thread, drawn apart
// from the watch's minute: against the fake Web API on 127.0.0.1.
import { webApi } from '@slack/bolt';
import type { GuardrailBreach } from '../../src/core/judge';
import type { ChartRenderer, ChartSpec } from '../../src/core/ports';
import type { WatchInfo, WatchTick } from '../../src/core/watch';
import { ManualClock } from '../../src/adapters/clock';
import { createLogger } from '../../src/logger';
import { SwitchoverCharts } from '../../src/slack/switchover-charts';
import { OutboxRecordSchema, RETRY_MS, SlackOutbox, type OutboxRecord, type OutboxStore } from '../../src/slack/outbox';
import { SlackWatchReporter } from '../../src/slack/watch-reporter';
import { at, switchoverJournal, switchoverSnapshot } from '../support/switchover-data';
import { FakeCharts, fakeDeps } from '../support/fake-ports';
import { FakeSlack } from '../support/fake-slack';

const WATCH: WatchInfo = {
  stage: 'dev',
  requestId: 'r-1',
  channel: 'C0SWITCH',
  threadTs: '1767268800.000100',
  appliedWeights: { source: 0, target: 100 },
  appliedAt: at(40) + 5000,
  mode: 'shift',
  until: at(100),
};
const BREACH: GuardrailBreach = { guardrail: 'error-rate', detail: 'target 5xx 60 of 1000 (6%) vs baseline 0.2%' };
/** The tick that saw the breach: it read up to 11:52. */
const tick = { configuredPercent: 100, window: { start: at(30), end: at(52) }, completion: { quietMinutes: 5 }, minute: at(51), at: at(53) } as unknown as WatchTick;

type Config = { data: { labels: string[] } };

/** Waits (in real time, at most 2 s) for what the reporter does in the background. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('SlackWatchReporter charts', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  const logger = createLogger({ level: 'silent' });
  beforeEach(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-watch', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await fake.stop();
  });

  /** The bot's outbox on the fake Slack (kept messages in `store` when given). */
  const outboxOf = (clock = new ManualClock(at(53)), store?: OutboxStore) => new SlackOutbox({ slack: client, clock, logger, ...(store ? { store } : {}) });

  /** The chart source on the switchover's journal and CloudWatch minutes. */
  function sources(renderer: ChartRenderer = new FakeCharts()) {
    const deps = fakeDeps({ charts: renderer, clock: new ManualClock(at(53)) });
    deps.journal.records = switchoverJournal();
    const { window: _, ...data } = switchoverSnapshot();
    deps.metrics.script = () => structuredClone(data);
    return { deps, charts: new SwitchoverCharts(deps, { errorRatePoints: 1, p99Factor: 2 }, logger) };
  }

  it("shares the breach's chart in the alert's thread, in one upload, over the whole switchover", async () => {
    const renderer = new FakeCharts();
    const { deps, charts } = sources(renderer);
    const reporter = new SlackWatchReporter(client, logger, outboxOf(), charts);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    await reporter.chartsSettled();
    expect(deps.metrics.calls).toEqual([{ start: at(5), end: at(52) }]);
    expect(renderer.rendered.map((c) => c.filename)).toEqual(['dev-alert.png']);
    expect(renderer.rendered[0]!.title).toMatch(/^GUARDRAIL BREACH · dev · 100% of requests on the target/);
    const completes = fake.callsOf('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    expect(completes[0]!.args).toMatchObject({ channel_id: 'C0SWITCH', thread_ts: ts });
  });

  it("shares the whole switchover's chart under the completion message", async () => {
    const renderer = new FakeCharts();
    const { deps, charts } = sources(renderer);
    const reporter = new SlackWatchReporter(client, logger, outboxOf(), charts);
    await reporter.completed(WATCH, { ...tick, window: { start: at(30), end: at(60) } });
    await reporter.chartsSettled();
    expect(deps.metrics.calls).toEqual([{ start: at(5), end: at(60) }]);
    expect(renderer.rendered[0]!.title).toMatch(/^dev · switchover complete/);
    expect(fake.callsOf('files.completeUploadExternal')[0]!.args.thread_ts).toBe(fake.messages[0]!.ts);
  });

  it('sends an alert kept during a Slack outage with the chart of its breach, not of the moment it is sent', async () => {
    const renderer = new FakeCharts();
    const { deps, charts } = sources(renderer);
    const outbox = outboxOf(deps.clock);
    const reporter = new SlackWatchReporter(client, logger, outbox, charts);
    fake.fail('chat.postMessage', 'service_unavailable', 1);
    expect(await reporter.alert(WATCH, BREACH, tick)).toBeUndefined();
    expect(outbox.pending()).toHaveLength(1);
    await deps.clock.advance(RETRY_MS * 5);
    await until(() => fake.callsOf('files.completeUploadExternal').length > 0);
    await reporter.chartsSettled();
    expect(outbox.pending()).toHaveLength(0);
    const alert = fake.messages.find((m) => m.text?.startsWith('Guardrail breached on dev'))!;
    expect(fake.callsOf('files.completeUploadExternal').map((c) => c.args.thread_ts)).toEqual([alert.ts]);
    expect(deps.metrics.calls).toEqual([{ start: at(5), end: at(52) }]);
    expect((renderer.rendered[0]!.config as unknown as Config).data.labels).toHaveLength(47);
  });

  it('keeps what the chart shows in the outbox, so a restart sends it with its chart too (and leaves out what is not a message)', async () => {
    let saved: OutboxRecord[] = [];
    const store: OutboxStore = { load: async () => saved, save: async (records) => void (saved = JSON.parse(JSON.stringify(records)) as OutboxRecord[]) };
    const { charts } = sources();
    const reporter = new SlackWatchReporter(client, logger, outboxOf(undefined, store), charts);
    fake.fail('chat.postMessage', 'service_unavailable', 1);
    await reporter.alert(WATCH, BREACH, tick);
    expect(saved).toEqual([expect.objectContaining({ chart: { stage: 'dev', moment: 'alert', end: at(52), breach: 'breach: 5xx rate' } })]);

    const renderer = new FakeCharts();
    const { deps, charts: later } = sources(renderer);
    const junk = { ...saved[0]!, id: 'junk', message: { text: 'x', blocks: [] }, chart: { stage: 'dev', moment: 'alert', end: 'noon' } };
    const kept = [...saved, junk].flatMap((r) => {
      const checked = OutboxRecordSchema.safeParse(r); // as the file store reads them back
      return checked.success ? [checked.data] : [];
    });
    const restarted = outboxOf(undefined, { load: async () => kept, save: async () => undefined });
    const again = new SlackWatchReporter(client, logger, restarted, later);
    await restarted.start(); // and starts sending
    await until(() => fake.callsOf('files.completeUploadExternal').length > 0);
    await again.chartsSettled();
    expect(fake.messages.map((m) => m.text).filter((t) => t?.startsWith('Guardrail') || t === 'x')).toEqual([expect.stringMatching(/^Guardrail breached on dev/)]);
    expect(deps.metrics.calls).toEqual([{ start: at(5), end: at(52) }]);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
  });

  it('says in the thread when the chart cannot be drawn; the alert itself is out', async () => {
    const renderer = new FakeCharts();
    renderer.down = true;
    const reporter = new SlackWatchReporter(client, logger, outboxOf(), sources(renderer).charts);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    await reporter.chartsSettled();
    expect(fake.messages.map((m) => [m.threadTs, m.text])).toEqual([
      [undefined, expect.stringMatching(/^Guardrail breached on dev/)],
      [ts, ':bar_chart: The chart could not be drawn: chart renderer unreachable'],
    ]);
  });

  it('never holds the watch: a renderer that does not answer leaves the alert posted and the tick going', async () => {
    const hung: ChartRenderer = { render: (_: ChartSpec) => new Promise<Buffer>(() => undefined) };
    const reporter = new SlackWatchReporter(client, logger, outboxOf(), sources(hung).charts);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    expect(ts).toBe(fake.messages[0]!.ts);
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
  });
});
