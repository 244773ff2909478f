// The simulated stack served over HTTP, reached the way a production bot reaches AWS: real SDK clients with
// their own HTTP handler, pointed at it by AWS_ENDPOINT_URL.
import { SystemClock } from '../../../src/adapters/clock';
import { createAwsClients, createAwsPorts } from '../../../src/adapters/aws/clients';
import { AwsCallError } from '../../../src/adapters/aws/errors';
import { SimStack, serveSimulatedAws, type SimulatedAwsServer } from '../../../src/adapters/sim';
import { settledWindow } from '../../../src/core/traffic';

const ENV_KEYS = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

describe('the simulated stack as an AWS endpoint', () => {
  const clock = new SystemClock();
  let stack: SimStack;
  let server: SimulatedAwsServer;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  beforeEach(async () => {
    stack = new SimStack({ clock });
    server = await serveSimulatedAws(stack);
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    process.env.AWS_ENDPOINT_URL = server.url;
    process.env.AWS_ACCESS_KEY_ID = 'AKIASIMULATEDSTACK00';
    process.env.AWS_SECRET_ACCESS_KEY = 'simulated-stack-secret-not-a-real-key';
  });

  afterEach(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await server.close();
  });

  function ports(maxAttempts = 3) {
    return createAwsPorts(createAwsClients({ region: stack.region, maxAttempts, retryDelayMs: 0 }), clock);
  }

  it('answers the production adapters over HTTP: discovery, listener, health, ECS and metrics', async () => {
    const aws = ports();
    const dev = await aws.resolver.resolve('dev');
    const listener = await aws.loadBalancer.readListener(dev);
    const health = await aws.loadBalancer.targetHealth(dev.sourceProxyTargetGroup);
    const proxies = await aws.ecs.describeProxies(dev);
    const snapshot = await aws.metrics.snapshot(dev, settledWindow(clock.now(), 15));

    expect(listener.weights).toEqual({ source: 1, target: 0 });
    expect(health.targets).toHaveLength(3);
    expect(proxies.captureProxy.desired).toBe(3);
    expect(snapshot.missing).toEqual([]);
    expect(stack.calls).toMatchObject({ DescribeListeners: 1, DescribeRules: 1, DescribeTargetHealth: 1, DescribeServices: 1, GetMetricData: 1 });
  });

  it('changes the weights with ModifyListener', async () => {
    const aws = ports();
    const dev = await aws.resolver.resolve('dev');
    const before = await aws.loadBalancer.readListener(dev);
    await aws.loadBalancer.setWeights(dev, before, { source: 90, target: 10 });
    expect((await aws.loadBalancer.readListener(dev)).weights).toEqual({ source: 90, target: 10 });
  });

  it("carries AWS's errors: a throttled call is retried, AccessDenied names the action", async () => {
    const aws = ports(3);
    const dev = await aws.resolver.resolve('dev');
    stack.faults.DescribeRules = { throttle: 1 };
    stack.resetCalls();
    expect((await aws.loadBalancer.readListener(dev)).weights).toEqual({ source: 1, target: 0 });
    expect(stack.calls.DescribeRules).toBe(2);

    stack.faults.DescribeServices = { accessDenied: true };
    const denied = await aws.ecs.describeProxies(dev).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(AwsCallError);
    expect((denied as Error).message).toContain('ecs:DescribeServices');
  });
});
