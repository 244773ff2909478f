import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../../src/adapters/clock';
import { createAwsClients, createAwsPorts } from '../../../src/adapters/aws/clients';
import { SimStack, SimTransport } from '../../../src/adapters/sim';
import type { SimHttpRequest } from '../../../src/adapters/sim/transport';

describe('createAwsClients', () => {
  const saved = process.env.AWS_ENDPOINT_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
  });

  function capturing() {
    const transport = new SimTransport(new SimStack({ clock: new ManualClock() }));
    const seen: SimHttpRequest[] = [];
    const handler = {
      handle: (request: SimHttpRequest, options?: { abortSignal?: unknown }) => {
        seen.push(request);
        return transport.handle(request, options);
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    return { handler, seen };
  }

  it('leaves the endpoint to the SDK, so AWS_ENDPOINT_URL keeps working', async () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    const { handler, seen } = capturing();
    const clients = createAwsClients({ region: 'us-east-1', maxAttempts: 2, requestHandler: handler, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await clients.ecs.send(new DescribeServicesCommand({ cluster: 'migration-dev-ecs-cluster', services: ['migration-dev-capture-proxy'] }));
    expect(seen[0]).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
  });

  it("drops the SDK's logger middleware, which deep-copies every answer for a no-op logger", () => {
    const clients = createAwsClients({ region: 'us-east-1', maxAttempts: 2, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    for (const client of [clients.elbv2, clients.ecs, clients.cloudwatch]) {
      const names = client.middlewareStack.identify().join(' ');
      expect(names).not.toContain('loggerMiddleware');
      expect(names).toContain('retryMiddleware');
    }
  });

  it('resolves a command\'s middleware stack once, not on every call', async () => {
    const { handler, seen } = capturing();
    const clients = createAwsClients({ region: 'us-east-1', maxAttempts: 2, requestHandler: handler, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const resolving = jest.spyOn(DescribeServicesCommand.prototype, 'resolveMiddleware');
    try {
      for (let i = 0; i < 3; i++) {
        await clients.ecs.send(new DescribeServicesCommand({ cluster: 'migration-dev-ecs-cluster', services: ['migration-dev-capture-proxy'] }));
      }
      expect(seen).toHaveLength(3);
      expect(resolving).toHaveBeenCalledTimes(1);
    } finally {
      resolving.mockRestore();
    }
  });

  it('talks to the regional endpoints otherwise, with the attempts asked for', async () => {
    delete process.env.AWS_ENDPOINT_URL;
    const { handler, seen } = capturing();
    const clients = createAwsClients({ region: 'eu-west-1', maxAttempts: 4, requestHandler: handler, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const ports = createAwsPorts(clients, new ManualClock());
    await expect(ports.resolver.resolve('nope')).rejects.toThrow('no load balancer named `MigrationAssistant-nope` in eu-west-1');
    expect(seen[0]!.hostname).toBe('elasticloadbalancing.eu-west-1.amazonaws.com');
    expect(await clients.cloudwatch.config.maxAttempts()).toBe(4);
  });
});

describe('createAwsPorts after the stack was redeployed', () => {
  it('forgets cached resolutions when AWS says a resolved listener is gone, so the next resolve finds the new one', async () => {
    const { createSimulatedAws } = await import('../../../src/adapters/sim');
    const sim = createSimulatedAws({ clock: new ManualClock() });
    const before = await sim.ports.resolver.resolve('dev');
    await sim.ports.loadBalancer.readListener(before);

    // A redeploy replaces the listener: same load balancer, new listener ARN.
    const listener = sim.stack.stage('dev').switchoverListener;
    listener.arn = listener.arn.replace(/[0-9a-f]{16}$/, '0123456789abcdef');

    await expect(sim.ports.loadBalancer.readListener(before)).rejects.toMatchObject({ code: expect.stringMatching(/^ListenerNotFound/) });
    const after = await sim.ports.resolver.resolve('dev');
    expect(after.switchoverListener.arn).toBe(listener.arn);
    await expect(sim.ports.loadBalancer.readListener(after)).resolves.toMatchObject({ weights: { source: 1, target: 0 } });
  });
});
