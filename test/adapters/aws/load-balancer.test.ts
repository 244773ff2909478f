import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { sentInputs } from '../../support/aws-pages';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../src/adapters/aws/errors';
import { AwsLoadBalancer } from '../../../src/adapters/aws/load-balancer';
import { stageResources } from '../../support/fake-ports';

const resources = stageResources('dev');
const SOURCE = resources.sourceProxyTargetGroup.arn;
const TARGET = resources.targetProxyTargetGroup.arn;
const OTHER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/Canary-TG/0000000000000001';

const LISTENER = resources.switchoverListener.arn;

/** DescribeRules of the switchover listener as AWS answers it: the default rule holds the default actions. */
function rulesWith(defaultActions: Action[], others: object[] = []) {
  return { Rules: [...others, { RuleArn: `${LISTENER}/default`, Priority: 'default', Conditions: [], Actions: defaultActions, IsDefault: true }] };
}

/** A ListenerState as readListener returns it, for setWeights. */
function stateOf(defaultAction: Action[]) {
  return { weights: { source: 1, target: 0 }, groups: [], weightedToBoth: true, stickiness: { enabled: false }, rules: [], defaultAction };
}

function setup() {
  const elbv2 = new ElasticLoadBalancingV2Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  return { mock: mockClient(elbv2), lb: new AwsLoadBalancer(elbv2) };
}

const actions: Action[] = [
  {
    Type: 'authenticate-oidc',
    Order: 1,
    AuthenticateOidcConfig: { Issuer: 'https://idp', AuthorizationEndpoint: 'https://idp/a', TokenEndpoint: 'https://idp/t', UserInfoEndpoint: 'https://idp/u', ClientId: 'bot' },
  },
  {
    Type: 'forward',
    Order: 2,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: SOURCE, Weight: 90 },
        { TargetGroupArn: OTHER, Weight: 5 },
        { TargetGroupArn: TARGET, Weight: 10 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
    },
  },
];

describe('AwsLoadBalancer', () => {
  it('reads the default forward, stickiness and other rules of the switchover listener in one DescribeRules', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).resolves(
      rulesWith(actions, [
        {
          RuleArn: `${LISTENER}/r1`,
          Priority: '10',
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/_bulk*'] } }, { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } }],
          Actions: [{ Type: 'forward', TargetGroupArn: SOURCE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE, Weight: 1 }] } }],
          IsDefault: false,
        },
      ]),
    );

    const state = await lb.readListener(resources);

    expect(state.weights).toEqual({ source: 90, target: 10 });
    expect(state.groups).toEqual([
      { arn: SOURCE, name: 'ALBSourceProxy-dev-TG', role: 'source', weight: 90 },
      { arn: OTHER, name: 'Canary-TG', role: 'other', weight: 5 },
      { arn: TARGET, name: 'ALBTargetProxy-dev-TG', role: 'target', weight: 10 },
    ]);
    expect(state.weightedToBoth).toBe(true);
    expect(state.stickiness).toEqual({ enabled: true, durationSeconds: 3600 });
    expect(state.rules).toEqual([{ priority: '10', conditions: 'path /_bulk* and method POST', action: 'forward to ALBSourceProxy-dev-TG' }]);
    expect(state.defaultAction).toEqual(actions);
    expect(mock.calls()).toHaveLength(1);
    expect(mock.commandCalls(DescribeRulesCommand)[0]!.args[0].input).toEqual({ ListenerArn: LISTENER, PageSize: 400 });
  });

  it('reads every page of rules through the SDK paginator', async () => {
    const { mock, lb } = setup();
    const rule = (p: string) => ({ RuleArn: `${LISTENER}/${p}`, Priority: p, Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['a.example.com'] } }], Actions: [{ Type: 'fixed-response' as const }], IsDefault: false });
    const sent = sentInputs(mock, DescribeRulesCommand, { ListenerArn: LISTENER }, (input) =>
      input.Marker === 'm2' ? rulesWith(actions, [rule('1')]) : { Rules: [rule('2')], NextMarker: 'm2' },
    );
    const state = await lb.readListener(resources);
    expect(state.rules.map((r) => `${r.priority}: ${r.conditions} → ${r.action}`)).toEqual(['1: host a.example.com → fixed-response', '2: host a.example.com → fixed-response']);
    expect(sent).toStrictEqual([
      { ListenerArn: LISTENER, PageSize: 400, Marker: undefined },
      { ListenerArn: LISTENER, PageSize: 400, Marker: 'm2' },
    ]);
  });

  it('counts a weight AWS left out as 1, its default', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).resolves(
      rulesWith([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE }, { TargetGroupArn: TARGET, Weight: 0 }] } }]),
    );
    expect((await lb.readListener(resources)).weights).toEqual({ source: 1, target: 0 });
  });

  it.each<[string, Action]>([
    ['a plain TargetGroupArn forward', { Type: 'forward', TargetGroupArn: SOURCE }],
    ['a ForwardConfig with one group', { Type: 'forward', TargetGroupArn: SOURCE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } }],
  ])('recognises the console\'s manual fallback as %s: all to the source proxy, not the weighted forward', async (_shape, forward) => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).resolves(rulesWith([forward]));
    const state = await lb.readListener(resources);
    expect(state.weights).toEqual({ source: 1, target: 0 });
    expect(state.weightedToBoth).toBe(false);
    expect(state.groups).toEqual([{ arn: SOURCE, name: 'ALBSourceProxy-dev-TG', role: 'source', weight: 1 }]);
  });

  it('refuses to go on when the default rule forwards to neither proxy group', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).resolves(rulesWith([{ Type: 'forward', TargetGroupArn: OTHER }]));
    await expect(lb.readListener(resources)).rejects.toThrow(
      'the default rule of the switchover listener (port 443) of stage `dev` forwards to neither ALBSourceProxy-dev-TG nor ALBTargetProxy-dev-TG',
    );
  });

  it('says the listener is gone when AWS no longer knows it', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).rejects(Object.assign(new Error('One or more listeners not found'), { name: 'ListenerNotFoundException', $metadata: { httpStatusCode: 400 } }));
    await expect(lb.readListener(resources)).rejects.toThrow('the switchover listener of stage `dev` (port 443) no longer exists');
  });

  it.each<[string, Action]>([
    ['a plain TargetGroupArn forward', { Type: 'forward', Order: 1, TargetGroupArn: SOURCE }],
    ['a ForwardConfig with one group', { Type: 'forward', Order: 1, TargetGroupArn: SOURCE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } }],
  ])('rewrites %s as the weighted forward to both proxy groups, keeping stickiness and order', async (_shape, forward) => {
    const { mock, lb } = setup();
    mock.on(ModifyListenerCommand).resolves({});
    await lb.setWeights(resources, stateOf([forward]), { source: 90, target: 10 });
    expect(mock.commandCalls(ModifyListenerCommand)[0]!.args[0].input.DefaultActions).toEqual([
      {
        Type: 'forward',
        Order: 1,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: SOURCE, Weight: 90 },
            { TargetGroupArn: TARGET, Weight: 10 },
          ],
          ...(forward.ForwardConfig ? { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 } } : {}),
        },
      },
    ]);
  });

  it('writes new weights in one ModifyListener, keeping every other part of the default actions', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeRulesCommand).resolves(rulesWith(actions));
    mock.on(ModifyListenerCommand).resolves({});
    const current = await lb.readListener(resources);

    await lb.setWeights(resources, current, { source: 0, target: 100 });

    expect(mock.commandCalls(ModifyListenerCommand)).toHaveLength(1);
    expect(mock.commandCalls(DescribeRulesCommand)).toHaveLength(1); // no read inside setWeights
    expect(mock.commandCalls(ModifyListenerCommand)[0]!.args[0].input).toEqual({
      ListenerArn: resources.switchoverListener.arn,
      DefaultActions: [
        { ...actions[0], AuthenticateOidcConfig: { ...actions[0]!.AuthenticateOidcConfig, UseExistingClientSecret: true } },
        {
          Type: 'forward',
          Order: 2,
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: SOURCE, Weight: 0 },
              { TargetGroupArn: OTHER, Weight: 5 },
              { TargetGroupArn: TARGET, Weight: 100 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 },
          },
        },
      ],
    });
    // The state read is not modified: a retry writes from the same starting point.
    expect(current.defaultAction).toEqual(actions);
  });

  it('drops a TargetGroupArn that AWS would reject next to a multi-group ForwardConfig', async () => {
    const { mock, lb } = setup();
    mock.on(ModifyListenerCommand).resolves({});
    const defaultAction: Action[] = [
      { Type: 'forward', TargetGroupArn: SOURCE, ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE, Weight: 1 }, { TargetGroupArn: TARGET, Weight: 0 }] } },
    ];
    await lb.setWeights(resources, stateOf(defaultAction), { source: 50, target: 50 });
    expect(mock.commandCalls(ModifyListenerCommand)[0]!.args[0].input.DefaultActions).toEqual([
      { Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: SOURCE, Weight: 50 }, { TargetGroupArn: TARGET, Weight: 50 }] } },
    ]);
  });

  it.each([
    [{ source: 1000, target: 0 }, 'source weight 1000 is not allowed: ALB weights are whole numbers from 0 to 999'],
    [{ source: 0, target: -1 }, 'target weight -1 is not allowed'],
    [{ source: 0.5, target: 1 }, 'source weight 0.5 is not allowed'],
  ])('refuses weights %j without calling AWS', async (weights, message) => {
    const { mock, lb } = setup();
    await expect(lb.setWeights(resources, stateOf(actions), weights)).rejects.toThrow(message);
    expect(mock.calls()).toHaveLength(0);
  });

  it('maps AccessDenied on ModifyListener to the missing IAM action on the listener', async () => {
    const { mock, lb } = setup();
    mock.on(ModifyListenerCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const error = await lb
      .setWeights(resources, stateOf(actions), { source: 0, target: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ code: 'AccessDenied' });
    expect((error as Error).message).toBe(
      `missing IAM permission elasticloadbalancing:ModifyListener on ${resources.switchoverListener.arn}: add it to the bot's role (see docs/iam-policy.json).`,
    );
  });

  it('reports every target of a group from one DescribeTargetHealth, with reasons', async () => {
    const { mock, lb } = setup();
    mock.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: '10.0.1.5', Port: 9200 }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: '10.0.1.6', Port: 9200 }, TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks', Description: 'Health checks failed' } },
        { Target: { Id: '10.0.1.7', Port: 9200 }, TargetHealth: { State: 'draining', Reason: 'Target.DeregistrationInProgress' } },
        { Target: { Id: '10.0.1.8', Port: 9200 }, TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' } },
      ],
    });

    const health = await lb.targetHealth(resources.targetProxyTargetGroup);

    expect(mock.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({ TargetGroupArn: TARGET });
    expect(health).toEqual({
      targetGroup: resources.targetProxyTargetGroup,
      targets: [
        { id: '10.0.1.5', port: 9200, state: 'healthy' },
        { id: '10.0.1.6', port: 9200, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
        { id: '10.0.1.7', port: 9200, state: 'draining', reason: 'Target.DeregistrationInProgress' },
        { id: '10.0.1.8', port: 9200, state: 'initial', reason: 'Elb.RegistrationInProgress' },
      ],
    });
  });
});
