import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  TargetGroupNotFoundException,
  type Listener,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { ManualClock } from '../../../src/adapters/clock';
import { AwsStageResolver, RESOLUTION_TTL_MS, StageNotFoundError } from '../../../src/adapters/aws/discovery';
import { AwsCallError } from '../../../src/adapters/aws/errors';
import { sentInputs } from '../../support/aws-pages';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const lbArn = (name: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${name}/50dc6c495c0c9188`;
const tgArn = (name: string, id = '6d0ecf831eec9f09') => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/${id}`;
const listenerArn = (name: string, id: string) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${name}/50dc6c495c0c9188/${id}`;

function weighted(port: number, lb: string, source: string, target: string): Listener {
  return {
    ListenerArn: listenerArn(lb, `f2f7dc8efc52${port}`),
    LoadBalancerArn: lbArn(lb),
    Port: port,
    Protocol: 'HTTPS',
    DefaultActions: [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: tgArn(source), Weight: 1 },
            { TargetGroupArn: tgArn(target, '943ca6bf5d8c1c6a'), Weight: 0 },
          ],
        },
      },
    ],
  };
}

function single(port: number, lb: string, tg: string, id?: string): Listener {
  return {
    ListenerArn: listenerArn(lb, `aaaadc8efc52${port}`),
    LoadBalancerArn: lbArn(lb),
    Port: port,
    DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn(tg, id), ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn(tg, id), Weight: 1 }] } }],
  };
}

function setup(overrides = {}) {
  const elbv2 = new ElasticLoadBalancingV2Client({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const mock = mockClient(elbv2);
  const clock = new ManualClock();
  const resolver = new AwsStageResolver({ elbv2 }, clock, overrides);
  return { elbv2, mock, clock, resolver };
}

function stack(mock: ReturnType<typeof setup>['mock'], stage: string, listeners: Listener[], names = { lb: `MigrationAssistant-${stage}`, source: `ALBSourceProxy-${stage}-TG`, target: `ALBTargetProxy-${stage}-TG` }) {
  mock.on(DescribeLoadBalancersCommand, { Names: [names.lb] }).resolves({
    LoadBalancers: [{ LoadBalancerArn: lbArn(names.lb), LoadBalancerName: names.lb, Type: 'application' }],
  });
  mock.on(DescribeTargetGroupsCommand, { Names: [names.source, names.target] }).resolves({
    TargetGroups: [
      { TargetGroupArn: tgArn(names.source), TargetGroupName: names.source },
      { TargetGroupArn: tgArn(names.target, '943ca6bf5d8c1c6a'), TargetGroupName: names.target },
    ],
  });
  mock.on(DescribeListenersCommand, { LoadBalancerArn: lbArn(names.lb) }).resolves({ Listeners: listeners });
}

describe('AwsStageResolver.resolve', () => {
  it('finds the switchover listener on port 443 by its forward to both proxy groups, among other listeners', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'dev', [single(9201, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG'), weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG')]);

    const resources = await resolver.resolve('dev');

    expect(resources).toEqual({
      stage: 'dev',
      loadBalancer: { arn: lbArn('MigrationAssistant-dev'), name: 'MigrationAssistant-dev', dimension: 'app/MigrationAssistant-dev/50dc6c495c0c9188' },
      switchoverListener: { arn: listenerArn('MigrationAssistant-dev', 'f2f7dc8efc52443'), port: 443 },
      sourceProxyTargetGroup: { arn: tgArn('ALBSourceProxy-dev-TG'), name: 'ALBSourceProxy-dev-TG', dimension: 'targetgroup/ALBSourceProxy-dev-TG/6d0ecf831eec9f09' },
      targetProxyTargetGroup: {
        arn: tgArn('ALBTargetProxy-dev-TG', '943ca6bf5d8c1c6a'),
        name: 'ALBTargetProxy-dev-TG',
        dimension: 'targetgroup/ALBTargetProxy-dev-TG/943ca6bf5d8c1c6a',
      },
      ecsCluster: 'migration-dev-ecs-cluster',
      captureProxyService: 'migration-dev-capture-proxy',
      targetProxyService: 'migration-dev-target-cluster-proxy',
    });
    expect(mock.commandCalls(DescribeLoadBalancersCommand)[0]!.args[0].input).toEqual({ Names: ['MigrationAssistant-dev'] });
    expect(mock.commandCalls(DescribeTargetGroupsCommand)[0]!.args[0].input).toEqual({ Names: ['ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG'] });
  });

  it('finds it on port 9200 on older stacks, following DescribeListeners pages', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'old', []);
    const lb = lbArn('MigrationAssistant-old');
    const sent = sentInputs(mock, DescribeListenersCommand, { LoadBalancerArn: lb }, (input) =>
      input.Marker === 'page2'
        ? { Listeners: [weighted(9200, 'MigrationAssistant-old', 'ALBSourceProxy-old-TG', 'ALBTargetProxy-old-TG')] }
        : { Listeners: [single(80, 'MigrationAssistant-old', 'ALBSourceProxy-old-TG')], NextMarker: 'page2' },
    );

    const resources = await resolver.resolve('old');

    expect(resources.switchoverListener.port).toBe(9200);
    expect(sent).toStrictEqual([
      { LoadBalancerArn: lb, Marker: undefined },
      { LoadBalancerArn: lb, Marker: 'page2' },
    ]);
  });

  it('uses the stages file names, and its listener port', async () => {
    const { mock, resolver } = setup({
      blue: {
        loadBalancerName: 'custom-alb',
        sourceTargetGroupName: 'src-tg',
        targetTargetGroupName: 'tgt-tg',
        listenerPort: 8443,
        ecsCluster: 'my-cluster',
        captureProxyService: 'capture',
        targetProxyService: 'target',
      },
    });
    stack(mock, 'blue', [weighted(443, 'custom-alb', 'src-tg', 'tgt-tg'), weighted(8443, 'custom-alb', 'src-tg', 'tgt-tg')], {
      lb: 'custom-alb',
      source: 'src-tg',
      target: 'tgt-tg',
    });

    const resources = await resolver.resolve('blue');

    expect(resources.loadBalancer.name).toBe('custom-alb');
    expect(resources.switchoverListener.port).toBe(8443);
    expect(resources.sourceProxyTargetGroup.name).toBe('src-tg');
    expect(resources.targetProxyTargetGroup.name).toBe('tgt-tg');
    expect([resources.ecsCluster, resources.captureProxyService, resources.targetProxyService]).toEqual(['my-cluster', 'capture', 'target']);
  });

  it('says which load balancer name was tried, and where', async () => {
    const { mock, resolver } = setup();
    mock.on(DescribeLoadBalancersCommand).rejects(new LoadBalancerNotFoundException({ message: "Load balancers '[MigrationAssistant-foo]' not found", $metadata: {} }));

    const error = await resolver.resolve('foo').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StageNotFoundError);
    expect((error as Error).message).toBe(
      'Stage `foo` not found: no load balancer named `MigrationAssistant-foo` in eu-west-1. Check the stage name, or map it in SWITCHOVER_STAGES_FILE.',
    );
  });

  it('names an overridden load balancer as coming from the stages file', async () => {
    const { mock, resolver } = setup({ blue: { loadBalancerName: 'gone-alb' } });
    mock.on(DescribeLoadBalancersCommand).rejects(new LoadBalancerNotFoundException({ message: 'not found', $metadata: {} }));

    await expect(resolver.resolve('blue')).rejects.toThrow('no load balancer named `gone-alb` (from SWITCHOVER_STAGES_FILE loadBalancerName)');
  });

  it('names the missing target group, asking for each when AWS only says "one or more"', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'dev', []);
    mock
      .on(DescribeTargetGroupsCommand, { Names: ['ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG'] })
      .rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} }))
      .on(DescribeTargetGroupsCommand, { Names: ['ALBSourceProxy-dev-TG'] })
      .resolves({ TargetGroups: [{ TargetGroupArn: tgArn('ALBSourceProxy-dev-TG'), TargetGroupName: 'ALBSourceProxy-dev-TG' }] })
      .on(DescribeTargetGroupsCommand, { Names: ['ALBTargetProxy-dev-TG'] })
      .rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} }));

    const error = await resolver.resolve('dev').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StageNotFoundError);
    expect((error as Error).message).toBe(
      'Stage `dev` is incomplete: no target proxy target group named `ALBTargetProxy-dev-TG` in eu-west-1. ' +
        'Check the stack, or map targetTargetGroupName in SWITCHOVER_STAGES_FILE.',
    );
  });

  it('lists what the listeners do when none forwards to a proxy group', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'dev', [single(80, 'MigrationAssistant-dev', 'Other-TG', '0000000000000001')]);

    const error = await resolver.resolve('dev').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StageNotFoundError);
    expect((error as Error).message).toBe(
      'Stage `dev` has no switchover listener: no listener of load balancer `MigrationAssistant-dev` forwards to ' +
        '`ALBSourceProxy-dev-TG` or `ALBTargetProxy-dev-TG` (listeners: 80 → Other-TG). ' +
        'Check the stack, or set listenerPort in SWITCHOVER_STAGES_FILE.',
    );
  });

  it('finds a switchover listener left forwarding to one proxy group (the manual fallback), when it is the only one', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'dev', [
      { ...single(9200, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG'), DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn('ALBSourceProxy-dev-TG') }] },
    ]);
    expect((await resolver.resolve('dev')).switchoverListener.port).toBe(9200);
  });

  it('keeps the switchover listener it knew after a manual fallback, beside direct listeners to each proxy group', async () => {
    const { elbv2, mock, clock, resolver } = setup();
    const direct = [single(9201, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG'), single(9202, 'MigrationAssistant-dev', 'ALBTargetProxy-dev-TG', '943ca6bf5d8c1c6a')];
    stack(mock, 'dev', [...direct, weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG')]);
    const before = await resolver.resolve('dev');

    // The console's manual fallback: the 443 listener now forwards to the source proxy group only, like 9201.
    stack(mock, 'dev', [...direct, { ...weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG'), DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn('ALBSourceProxy-dev-TG') }] }]);
    await clock.advance(RESOLUTION_TTL_MS);
    expect((await resolver.resolve('dev')).switchoverListener).toEqual(before.switchoverListener);

    // A bot that never saw it cannot tell 443 from 9201 and says how to pin it.
    const fresh = new AwsStageResolver({ elbv2 }, clock);
    await expect(fresh.resolve('dev')).rejects.toThrow(
      'several listeners of `MigrationAssistant-dev` forward to one proxy group only (9201 → ALBSourceProxy-dev-TG; 9202 → ALBTargetProxy-dev-TG; 443 → ALBSourceProxy-dev-TG), so the switchover listener cannot be told apart',
    );
  });

  it('says so when the stages file pins a port with no listener', async () => {
    const { mock, resolver } = setup({ dev: { listenerPort: 9200 } });
    stack(mock, 'dev', [weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG')]);

    await expect(resolver.resolve('dev')).rejects.toThrow(
      'load balancer `MigrationAssistant-dev` has no listener on port 9200 (from SWITCHOVER_STAGES_FILE listenerPort)',
    );
  });

  it('refuses a name that cannot be a stage without calling AWS', async () => {
    const { mock, resolver } = setup();
    await expect(resolver.resolve('no such stage!')).rejects.toThrow('`no such stage!` is not a stage name: use letters, digits and hyphens, starting with a letter or digit, at most 15 characters.');
    expect(mock.calls()).toHaveLength(0);
  });

  it('refuses a stage whose default names AWS cannot have (past 32 characters) without calling AWS', async () => {
    const { mock, resolver } = setup();
    await expect(resolver.resolve('abcdefghijklmn')).rejects.toThrow(
      'Stage `abcdefghijklmn` cannot be looked up: AWS allows load balancer and target group names of at most 32 characters, ' +
        'and `MigrationAssistant-abcdefghijklmn` (33 characters) would be longer. Check the stage name, or map it in SWITCHOVER_STAGES_FILE.',
    );
    await expect(resolver.resolve('abcdefghijklmno')).rejects.toThrow(
      '`MigrationAssistant-abcdefghijklmno` (34 characters), `ALBSourceProxy-abcdefghijklmno-TG` (33 characters), `ALBTargetProxy-abcdefghijklmno-TG` (33 characters)',
    );
    expect(mock.calls()).toHaveLength(0);
  });

  it('resolves such a stage when the stages file names its load balancer and target groups', async () => {
    const { mock, resolver } = setup({ abcdefghijklmn: { loadBalancerName: 'ma-long' } });
    const names = { lb: 'ma-long', source: 'ALBSourceProxy-abcdefghijklmn-TG', target: 'ALBTargetProxy-abcdefghijklmn-TG' };
    stack(mock, 'abcdefghijklmn', [weighted(443, names.lb, names.source, names.target)], names);
    expect((await resolver.resolve('abcdefghijklmn')).loadBalancer.name).toBe('ma-long');
  });

  it('caches a resolution for five minutes on the clock, and never a failure', async () => {
    const { mock, clock, resolver } = setup();
    stack(mock, 'dev', [weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG')]);

    await Promise.all([resolver.resolve('dev'), resolver.resolve('dev')]);
    await clock.advance(RESOLUTION_TTL_MS - 1);
    await resolver.resolve('dev');
    expect(mock.calls()).toHaveLength(3);

    await clock.advance(1);
    await resolver.resolve('dev');
    expect(mock.calls()).toHaveLength(6);

    mock.on(DescribeLoadBalancersCommand, { Names: ['MigrationAssistant-x'] }).rejectsOnce(new LoadBalancerNotFoundException({ message: 'nf', $metadata: {} }));
    await expect(resolver.resolve('x')).rejects.toBeInstanceOf(StageNotFoundError);
    await expect(resolver.resolve('x')).rejects.toBeInstanceOf(Error);
    expect(mock.commandCalls(DescribeLoadBalancersCommand, { Names: ['MigrationAssistant-x'] })).toHaveLength(2);
  });

  it('maps AccessDenied to the missing IAM action', async () => {
    const { mock, resolver } = setup();
    mock.on(DescribeLoadBalancersCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    const error = await resolver.resolve('dev').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AwsCallError);
    expect((error as Error).message).toBe(
      "missing IAM permission elasticloadbalancing:DescribeLoadBalancers on MigrationAssistant-dev: add it to the bot's role (see docs/iam-policy.json).",
    );
  });
});

describe('AwsStageResolver.listStages', () => {
  it('lists the stages file stages and every MigrationAssistant-<stage> load balancer, across pages', async () => {
    const { mock, resolver } = setup({ blue: { loadBalancerName: 'custom-alb' } });
    const sent = sentInputs(mock, DescribeLoadBalancersCommand, {}, (input) =>
      input.Marker === 'm2'
        ? { LoadBalancers: [{ LoadBalancerName: 'MigrationAssistant-dev' }, { LoadBalancerName: 'MigrationAssistant-way-too-long-stage' }] }
        : { LoadBalancers: [{ LoadBalancerName: 'MigrationAssistant-gamma' }, { LoadBalancerName: 'some-other-alb' }], NextMarker: 'm2' },
    );

    expect(await resolver.listStages()).toEqual(['blue', 'dev', 'gamma']);
    expect(await resolver.listStages()).toEqual(['blue', 'dev', 'gamma']);
    expect(sent).toStrictEqual([
      { PageSize: 400, Marker: undefined },
      { PageSize: 400, Marker: 'm2' },
    ]);
  });
});

describe('AwsStageResolver.resolve, round trips', () => {
  it('asks for the load balancer and the target groups at once, then for the listeners', async () => {
    const { mock, resolver } = setup();
    stack(mock, 'dev', [weighted(443, 'MigrationAssistant-dev', 'ALBSourceProxy-dev-TG', 'ALBTargetProxy-dev-TG')]);
    const order: string[] = [];
    const release: (() => void)[] = [];
    // Hold each answer until both lookups by name have been asked: they must not wait for each other.
    const held = (name: string, answer: () => unknown) => () =>
      new Promise((resolve) => {
        order.push(name);
        release.push(() => resolve(answer()));
        if (order.length === 2) release.splice(0).forEach((r) => r());
      });
    const lbAnswer = { LoadBalancers: [{ LoadBalancerArn: lbArn('MigrationAssistant-dev'), LoadBalancerName: 'MigrationAssistant-dev', Type: 'application' }] };
    const tgAnswer = {
      TargetGroups: [
        { TargetGroupArn: tgArn('ALBSourceProxy-dev-TG'), TargetGroupName: 'ALBSourceProxy-dev-TG' },
        { TargetGroupArn: tgArn('ALBTargetProxy-dev-TG', '943ca6bf5d8c1c6a'), TargetGroupName: 'ALBTargetProxy-dev-TG' },
      ],
    };
    mock.on(DescribeLoadBalancersCommand).callsFake(held('lb', () => lbAnswer));
    mock.on(DescribeTargetGroupsCommand).callsFake(held('tg', () => tgAnswer));

    const resources = await resolver.resolve('dev');

    expect(order.sort()).toEqual(['lb', 'tg']);
    expect(resources.switchoverListener.port).toBe(443);
    expect(mock.commandCalls(DescribeListenersCommand)).toHaveLength(1);
  });

  it('still reports a missing load balancer first when the target groups are missing too', async () => {
    const { mock, resolver } = setup();
    mock.on(DescribeLoadBalancersCommand).rejects(new LoadBalancerNotFoundException({ message: 'not found', $metadata: {} }));
    mock.on(DescribeTargetGroupsCommand).rejects(new TargetGroupNotFoundException({ message: 'One or more target groups not found', $metadata: {} }));

    await expect(resolver.resolve('gone')).rejects.toThrow('Stage `gone` not found: no load balancer named `MigrationAssistant-gone`');
  });
});
