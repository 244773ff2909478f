import { createServer, type Server, type Socket } from 'node:net';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../../src/adapters/clock';
import { AWS_TIMEOUTS, createAwsClients, createAwsPorts } from '../../../src/adapters/aws/clients';
import { toAwsCallError } from '../../../src/adapters/aws/errors';
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

describe('an AWS endpoint that never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  const saved = process.env.AWS_ENDPOINT_URL;
  beforeAll(async () => {
    // Accepts the connection, reads the request, says nothing: a connection gone silent.
    server = createServer((socket) => {
      sockets.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the call as a timeout after each attempt has waited its time, and the bot says AWS did not answer', async () => {
    const clients = createAwsClients({
      region: 'us-east-1',
      maxAttempts: 2,
      retryDelayMs: 1,
      timeouts: { connectMs: 200, answerMs: 200 },
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const started = Date.now();
    const error = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'migration-dev-ecs-cluster', services: ['x'] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sockets.length).toBe(2); // both attempts were made
    expect(toAwsCallError(error, 'ecs:DescribeServices', 'migration-dev-ecs-cluster').message).toContain('did not get an answer from AWS');
  });

  it('has timeouts by default: a few seconds to connect, ten to answer, and a passed one fails the call', async () => {
    const clients = createAwsClients({ region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    // The handler resolves its settings on its first call; this one is cut short rather than waited out.
    const command = new DescribeServicesCommand({ cluster: 'migration-dev-ecs-cluster', services: ['x'] });
    await clients.ecs.send(command, { abortSignal: AbortSignal.timeout(100) }).catch(() => undefined);
    const handler = clients.ecs.config.requestHandler as unknown as { httpHandlerConfigs(): Record<string, unknown> };
    expect(handler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: AWS_TIMEOUTS.connectMs,
      requestTimeout: AWS_TIMEOUTS.answerMs,
      throwOnRequestTimeout: true,
    });
    expect(AWS_TIMEOUTS).toEqual({ connectMs: 3_000, answerMs: 10_000 });
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
