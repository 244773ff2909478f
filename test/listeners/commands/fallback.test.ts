// `/switchover fallback` end to end: all new traffic back to the source proxy, with CloudWatch and the chart
// renderer down, at the cost of one listener read, one write and one read back.
import { CHANNEL } from '../../support/slack-harness';
import {
  ALICE,
  approveAll,
  BOB,
  command,
  MALLORY,
  request,
  setWeightsBehindTheBot,
  shown,
  startRequestHarness,
  type RequestHarness,
} from '../actions/request-support';

describe('/switchover fallback', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
    setWeightsBehindTheBot(h.stack, 'staging', { source: 50, target: 50 });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('works with CloudWatch and the chart renderer down; applying costs DescribeRules, ModifyListener, DescribeRules', async () => {
    h.stack.cloudWatchDown = true;
    await h.charts.down();
    const { request: req, message } = await request(h, 'fallback staging');
    const preview = shown(message);
    expect(preview).toContain('Request: fall back to the source proxy (all new traffic) on staging');
    expect(preview).toMatch(/Weights now:\* source 50 \/ target 50/);
    expect(preview).toMatch(/Proposed:\* source 100 \/ target 0/);
    expect(message.channel).toBe(CHANNEL);

    h.stack.resetCalls();
    const final = await approveAll(h, req.id, message.ts);
    expect(h.stack.calls).toEqual({ DescribeRules: 2, ModifyListener: 1 });
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
    const text = shown(final);
    expect(text).toContain('Applied: fall back to the source proxy');
    expect(text).toContain(`*Asked by* <@${ALICE}> · *Approved by* <@${BOB}>`);
    expect(text).toContain('*Before:* source 50 / target 50');
    expect(text).toContain('*After (as AWS reports):* source 100 / target 0');
    // The fallback is watched too (judging the source side), in the request's thread.
    await h.fake.waitFor(() => h.fake.messages.find((m) => m.threadTs === message.ts && /Watching staging/.test(m.text ?? '')), 'the watch note');
    expect(h.deps.watcher.active()[0]).toMatchObject({ stage: 'staging', mode: 'fallback', appliedWeights: { source: 100, target: 0 } });
  });

  it('goes out when only the listener can be read: health and ECS counts are shown as unknown', async () => {
    h.stack.faults.DescribeTargetHealth = { accessDenied: true };
    h.stack.faults.DescribeServices = { accessDenied: true };
    const { request: req, message } = await request(h, 'fallback staging');
    const preview = shown(message);
    expect(preview).toContain('ALBTargetProxy-staging-TG: unknown');
    expect(preview).toContain('Health of ALBSourceProxy-staging-TG is unknown');
    expect(preview).toContain('ECS task counts are unknown');
    await approveAll(h, req.id, message.ts);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
  });

  it('is refused when all traffic already goes to the source proxy', async () => {
    setWeightsBehindTheBot(h.stack, 'staging', { source: 1, target: 0 });
    expect(await command(h, 'fallback staging')).toContain('already has source 1 / target 0');
  });

  it('is for operators only', async () => {
    const reply = await command(h, 'fallback staging', MALLORY);
    expect(reply).toContain(`Only <@${ALICE}> may run \`/switchover fallback staging\``);
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
  });
});
