// The guardrail alert and the completion message carry the switchover chart in their thread, drawn apart
// from the watch's minute: against the fake Web API on 127.0.0.1.
import { webApi } from '@slack/bolt';
import type { GuardrailBreach } from '../../src/core/judge';
import type { ChartRenderer, ChartSpec } from '../../src/core/ports';
import type { WatchInfo, WatchTick } from '../../src/core/watch';
import { createLogger } from '../../src/logger';
import { SlackWatchReporter } from '../../src/slack/watch-reporter';
import { switchoverSnapshot } from '../support/switchover-data';
import { FakeCharts } from '../support/fake-ports';
import { FakeSlack } from '../support/fake-slack';

const WATCH: WatchInfo = {
  stage: 'dev',
  requestId: 'r-1',
  channel: 'C0SWITCH',
  threadTs: '1767268800.000100',
  appliedWeights: { source: 0, target: 100 },
  appliedAt: Date.UTC(2026, 0, 1, 11, 40, 5),
  mode: 'shift',
  until: Date.UTC(2026, 0, 1, 12, 40),
};
const BREACH: GuardrailBreach = { guardrail: 'error-rate', detail: 'target 5xx 60 of 1000 (6 %) vs baseline 0.2 %' };
const tick = { configuredPercent: 100, snapshot: switchoverSnapshot(), completion: { quietMinutes: 5 }, minute: Date.UTC(2026, 0, 1, 11, 59), at: Date.UTC(2026, 0, 1, 12, 1) } as unknown as WatchTick;

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

  it("shares the breach's chart in the alert's thread, in one upload", async () => {
    const charts = new FakeCharts();
    const reporter = new SlackWatchReporter(client, logger, undefined, undefined, charts);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    await reporter.chartsSettled();
    expect(charts.rendered.map((c) => c.filename)).toEqual(['dev-alert.png']);
    expect(charts.rendered[0]!.title).toMatch(/^GUARDRAIL BREACH · dev · 100 % of requests on the target/);
    const completes = fake.callsOf('files.completeUploadExternal');
    expect(completes).toHaveLength(1);
    expect(completes[0]!.args).toMatchObject({ channel_id: 'C0SWITCH', thread_ts: ts });
  });

  it("shares the whole watch's chart under the completion message", async () => {
    const charts = new FakeCharts();
    const reporter = new SlackWatchReporter(client, logger, undefined, undefined, charts);
    await reporter.completed(WATCH, tick);
    await reporter.chartsSettled();
    expect(charts.rendered[0]!.title).toMatch(/^dev · switchover complete/);
    expect(fake.callsOf('files.completeUploadExternal')[0]!.args.thread_ts).toBe(fake.messages[0]!.ts);
  });

  it('says in the thread when the chart cannot be drawn; the alert itself is out', async () => {
    const charts = new FakeCharts();
    charts.down = true;
    const reporter = new SlackWatchReporter(client, logger, undefined, undefined, charts);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    await reporter.chartsSettled();
    expect(fake.messages.map((m) => [m.threadTs, m.text])).toEqual([
      [undefined, expect.stringMatching(/^Guardrail breached on dev/)],
      [ts, ':bar_chart: The chart could not be drawn: chart renderer unreachable'],
    ]);
  });

  it('never holds the watch: a renderer that does not answer leaves the alert posted and the tick going', async () => {
    const hung: ChartRenderer = { render: (_: ChartSpec) => new Promise<Buffer>(() => undefined) };
    const reporter = new SlackWatchReporter(client, logger, undefined, undefined, hung);
    const ts = await reporter.alert(WATCH, BREACH, tick);
    expect(ts).toBe(fake.messages[0]!.ts);
    expect(fake.callsOf('files.completeUploadExternal')).toEqual([]);
  });
});
