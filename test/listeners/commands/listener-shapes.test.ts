// The switchover listener as operators leave it (issue 12, item 2), end to end through signed Slack requests
// against the simulated stack: the console's manual fallback (a forward to one group, or a plain
// TargetGroupArn forward), a third target group in the forward, and listener rules besides the default.
import type { SimAction } from '../../../src/adapters/sim/stack';
import { CHANNEL } from '../../support/slack-harness';
import { approveAll, command, request, shown, startRequestHarness, type RequestHarness } from '../actions/request-support';

describe('the switchover listener as operators leave it', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  /** `/switchover status <stage>`: resolves with the status message posted in the channel. */
  async function status(stage: string): Promise<string> {
    const before = h.fake.messages.length;
    const sent = await h.slash(`status ${stage}`);
    expect(sent.status).toBe(200);
    const message = await h.fake.waitFor(
      () => h.fake.messages.slice(before).find((m) => m.channel === CHANNEL && (m.text ?? '').startsWith(`Switchover status of ${stage}`)),
      'the status message',
    );
    return shown(message);
  }

  function forwardOf(stage: string): SimAction {
    return h.stack.stage(stage).switchoverListener.defaultActions.find((a) => a.Type === 'forward')!;
  }

  it('recognises the manual fallback (a plain TargetGroupArn forward), says so in status, and shifts from it writing the weighted forward', async () => {
    const s = h.stack.stage('staging');
    h.stack.editDefaultActions('staging', [{ Type: 'forward', TargetGroupArn: s.targetGroups.source.arn }]);

    expect(await status('staging')).toContain(
      'all new traffic to the source proxy (forward to ALBSourceProxy-staging-TG only); the rule was changed outside the bot',
    );

    const { request: req, message } = await request(h, 'shift staging 10');
    expect(shown(message.versions[0])).toContain('Weights now:* all new traffic to the source proxy (forward to ALBSourceProxy-staging-TG only); the rule was changed outside the bot');
    await approveAll(h, req.id, message.ts);
    expect(s.weights()).toEqual({ source: 90, target: 10 });
    expect(forwardOf('staging')).toEqual({
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: s.targetGroups.source.arn, Weight: 90 },
          { TargetGroupArn: s.targetGroups.target.arn, Weight: 10 },
        ],
      },
    });
  });

  it('falls back from a forward to the target group only, keeping stickiness', async () => {
    const s = h.stack.stage('staging');
    const stickiness = { Enabled: true, DurationSeconds: 300 };
    h.stack.editDefaultActions('staging', [
      {
        Type: 'forward',
        TargetGroupArn: s.targetGroups.target.arn,
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: s.targetGroups.target.arn, Weight: 1 }], TargetGroupStickinessConfig: stickiness },
      },
    ]);
    expect(await status('staging')).toContain('all new traffic to the target proxy (forward to ALBTargetProxy-staging-TG only); the rule was changed outside the bot');

    const { request: req, message } = await request(h, 'fallback staging');
    await approveAll(h, req.id, message.ts);
    expect(s.weights()).toEqual({ source: 100, target: 0 });
    expect(forwardOf('staging').ForwardConfig).toEqual({
      TargetGroups: [
        { TargetGroupArn: s.targetGroups.target.arn, Weight: 0 },
        { TargetGroupArn: s.targetGroups.source.arn, Weight: 100 },
      ],
      TargetGroupStickinessConfig: stickiness,
    });
  });

  it('shows every group with its share when a third group gets traffic, and refuses a shift naming the group and what to do', async () => {
    const s = h.stack.stage('staging');
    const blue = h.stack.addOtherTargetGroup('staging', 'Blue-staging-TG');
    h.stack.editDefaultActions('staging', [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: s.targetGroups.source.arn, Weight: 0 },
            { TargetGroupArn: s.targetGroups.target.arn, Weight: 75 },
            { TargetGroupArn: blue, Weight: 25 },
          ],
        },
      },
    ]);

    const text = await status('staging');
    expect(text).toContain('ALBSourceProxy-staging-TG 0% (weight 0), ALBTargetProxy-staging-TG 75% (weight 75), Blue-staging-TG 25% (weight 25)');
    expect(text).toContain('Blue-staging-TG is not a proxy group and gets traffic');
    expect(text).not.toContain('all new traffic to the target proxy');

    const reply = await command(h, 'shift staging 100');
    expect(reply).toContain('also forwards to Blue-staging-TG (weight 25, 25% of new traffic), which is not a proxy group');
    expect(reply).toContain("Remove it from the listener's default rule in the console (or set its weight to 0), then request again.");
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
    expect(await command(h, 'fallback staging')).toContain('Blue-staging-TG (weight 25');
  });

  it('warns in status and in the request preview about rules that bypass the default weights', async () => {
    const s = h.stack.stage('staging');
    h.stack.addRule('staging', { priority: 5, pathPattern: '/_bulk*', forwardTo: s.targetGroups.source.arn });

    const warning = 'Rule priority 5 (path /_bulk*): forward to ALBSourceProxy-staging-TG; requests it matches bypass the default weights.';
    expect(await status('staging')).toContain(warning);
    const { message } = await request(h, 'shift staging 10');
    expect(shown(message.versions[0])).toContain(warning);
  });
});
