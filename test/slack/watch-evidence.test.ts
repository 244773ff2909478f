// No verdict without evidence (issue 12, item 3), through the real app over the simulated stack: a switchover
// is never complete on minutes CloudWatch has no data for, missing data is said as "no data since", and the
// load balancer's own 5xx and connection errors to the target proxy are guardrails.
import { MINUTE_MS } from '../../src/core/types';
import { CHANNEL } from '../support/slack-harness';
import { applyAndWatch, channelMessages, minutes, progressMessages, shown, startWatchBench, T0, type WatchBench } from './watch-e2e-support';

describe('no verdict without evidence, end to end', () => {
  let bench: WatchBench;
  beforeEach(async () => {
    bench = await startWatchBench();
  });
  afterEach(async () => {
    await bench.h.stop();
  });

  const stack = () => bench.h.deps.simulation!.stack;
  const completed = () => channelMessages(bench.h, /^Switchover of staging is complete/);

  async function status(stage: string): Promise<string> {
    const { h } = bench;
    const before = h.fake.messages.length;
    await h.slash(`status ${stage}`);
    const message = await h.fake.waitFor(
      () => h.fake.messages.slice(before).find((m) => m.channel === CHANNEL && (m.text ?? '').startsWith(`Switchover status of ${stage}`)),
      'the status message',
    );
    return shown(message);
  }

  it('never calls a 100% shift complete on minutes without data: the watch and status say "no data since"', async () => {
    const { h } = bench;
    stack().stage('staging').keepAliveShare = 0; // every request follows the weights at once
    const { threadTs } = await applyAndWatch(bench, 'staging', 100);
    // CloudWatch publishes nothing for the stage from the minute after the change on.
    stack().setDataGap('staging', T0 + MINUTE_MS);
    await minutes(bench, 12);

    expect(completed()).toEqual([]);
    const progress = shown(progressMessages(h, threadTs)[0]);
    expect(progress).toContain('no data since 12:01 UTC: CloudWatch has no datapoint for any metric of the stage');
    expect(progress).toContain('0/5 minutes without requests on the source proxy');
    expect(await status('staging')).toContain('CloudWatch: no data since 12:01 UTC (no datapoint for any metric of the stage)');

    // Data again: quiet minutes with the target carrying traffic complete it.
    stack().setDataGap('staging', T0 + MINUTE_MS, T0 + 13 * MINUTE_MS);
    await minutes(bench, 8);
    await h.fake.waitFor(() => completed()[0], 'the completion message');
    expect(completed()).toHaveLength(1);
  });

  it('alerts on connection errors to the target proxy and on the load balancer 5xx they cause', async () => {
    const { h } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    expect(channelMessages(h, /^Guardrail breached/)).toEqual([]);
    stack().setConnectionFailures('staging', 'target', 0.3);
    await minutes(bench, 4);

    const alerts = channelMessages(h, /^Guardrail breached/).map((m) => m.text?.replace(/\..*/s, ''));
    expect(alerts).toEqual(expect.arrayContaining(['Guardrail breached on staging: connection errors', 'Guardrail breached on staging: load-balancer 5xx']));
    const journal = await h.deps.core.journal.readAll();
    const guardrails = journal.filter((r) => r.type === 'guardrail.breached').map((r) => (r as { guardrail: string }).guardrail);
    expect(guardrails).toEqual(expect.arrayContaining(['connection-errors', 'elb-5xx']));
  });
  it('says once in the thread, and in the history, that the listener was changed outside the bot', async () => {
    const { h } = bench;
    const { threadTs, requestId } = await applyAndWatch(bench, 'staging', 10);
    await minutes(bench, 2);
    const s = stack().stage('staging');
    // The runbook's manual fallback, in the console: the default rule forwards to the source proxy group only.
    stack().editDefaultActions('staging', [{ Type: 'forward', TargetGroupArn: s.targetGroups.source.arn }]);
    await minutes(bench, 4);

    const notices = h.fake.messages.filter((m) => m.threadTs === threadTs && /changed outside the bot/.test(m.text ?? ''));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain(
      'The switchover listener of staging was changed outside the bot: it now has all new traffic to the source proxy (forward to ALBSourceProxy-staging-TG only); the rule was changed outside the bot.',
    );
    expect(notices[0]!.text).toContain(`The bot applied source 90 / target 10 (10% of new traffic to the target proxy) (${requestId})`);
    const records = (await h.deps.core.journal.readAll()).filter((r) => r.type === 'listener.changed-outside');
    expect(records).toEqual([expect.objectContaining({ stage: 'staging', requestId, weights: { source: 1, target: 0 } })]);

    const { body } = await h.responseTo(await h.slash('history staging'));
    expect(JSON.stringify(body)).toContain('The switchover listener was changed outside the bot while watching');
  });
});
