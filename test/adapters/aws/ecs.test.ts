import { ClusterNotFoundException, DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsEcs } from '../../../src/adapters/aws/ecs';
import { StageNotFoundError } from '../../../src/adapters/aws/errors';
import { stageResources } from '../../support/fake-ports';

const resources = stageResources('dev');

function setup() {
  const client = new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  return { mock: mockClient(client), ecs: new AwsEcs(client) };
}

describe('AwsEcs', () => {
  it('describes both proxy services in one DescribeServices, with deployments and rollout state', async () => {
    const { mock, ecs } = setup();
    mock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'migration-dev-target-cluster-proxy',
          status: 'ACTIVE',
          desiredCount: 3,
          runningCount: 1,
          pendingCount: 2,
          deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desiredCount: 3, runningCount: 1, pendingCount: 2, failedTasks: 1 }],
        },
        {
          serviceName: 'migration-dev-capture-proxy',
          status: 'ACTIVE',
          desiredCount: 3,
          runningCount: 3,
          pendingCount: 0,
          deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 3, runningCount: 3, pendingCount: 0, failedTasks: 0 }],
        },
      ],
      failures: [],
    });

    const proxies = await ecs.describeProxies(resources);

    expect(mock.calls()).toHaveLength(1);
    expect(mock.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({
      cluster: 'migration-dev-ecs-cluster',
      services: ['migration-dev-capture-proxy', 'migration-dev-target-cluster-proxy'],
    });
    expect(proxies.captureProxy).toEqual({
      name: 'migration-dev-capture-proxy',
      status: 'ACTIVE',
      desired: 3,
      running: 3,
      pending: 0,
      deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desired: 3, running: 3, pending: 0, failedTasks: 0 }],
    });
    expect(proxies.targetProxy).toMatchObject({ desired: 3, running: 1, pending: 2, deployments: [{ rolloutState: 'IN_PROGRESS', failedTasks: 1 }] });
  });

  it('names a missing service and how to map it', async () => {
    const { mock, ecs } = setup();
    mock.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'migration-dev-capture-proxy', status: 'ACTIVE', desiredCount: 2 }],
      failures: [{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/migration-dev-ecs-cluster/migration-dev-target-cluster-proxy', reason: 'MISSING' }],
    });
    const error = await ecs.describeProxies(resources).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageNotFoundError);
    expect((error as Error).message).toBe(
      'Stage `dev`: the target proxy ECS service `migration-dev-target-cluster-proxy` in cluster `migration-dev-ecs-cluster` is not found (MISSING). ' +
        'Check the stack, or map targetProxyService in SWITCHOVER_STAGES_FILE.',
    );
  });

  it('treats an INACTIVE (deleted) service as missing', async () => {
    const { mock, ecs } = setup();
    mock.on(DescribeServicesCommand).resolves({
      services: [
        { serviceName: 'migration-dev-capture-proxy', status: 'INACTIVE' },
        { serviceName: 'migration-dev-target-cluster-proxy', status: 'ACTIVE' },
      ],
    });
    await expect(ecs.describeProxies(resources)).rejects.toThrow(
      'the capture proxy ECS service `migration-dev-capture-proxy` in cluster `migration-dev-ecs-cluster` is INACTIVE (deleted).',
    );
  });

  it('names a missing cluster', async () => {
    const { mock, ecs } = setup();
    mock.on(DescribeServicesCommand).rejects(new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: {} }));
    await expect(ecs.describeProxies(resources)).rejects.toThrow(
      'Stage `dev`: no ECS cluster named `migration-dev-ecs-cluster`. Check the stack, or map ecsCluster in SWITCHOVER_STAGES_FILE.',
    );
  });

  it('sets the target proxy desired count, and only that', async () => {
    const { mock, ecs } = setup();
    mock.on(UpdateServiceCommand).resolves({});
    await ecs.setTargetProxyDesiredCount(resources, 3);
    expect(mock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'migration-dev-ecs-cluster',
      service: 'migration-dev-target-cluster-proxy',
      desiredCount: 3,
    });
    await expect(ecs.setTargetProxyDesiredCount(resources, -1)).rejects.toThrow('desired count -1 is not allowed');
    expect(mock.calls()).toHaveLength(1);
  });

  it('restarts the capture proxy with a forced new deployment', async () => {
    const { mock, ecs } = setup();
    mock.on(UpdateServiceCommand).resolves({});
    await ecs.restartCaptureProxy(resources);
    expect(mock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
      cluster: 'migration-dev-ecs-cluster',
      service: 'migration-dev-capture-proxy',
      forceNewDeployment: true,
    });
  });

  it('maps AccessDeniedException on UpdateService to the missing IAM action', async () => {
    const { mock, ecs } = setup();
    mock.on(UpdateServiceCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(ecs.setTargetProxyDesiredCount(resources, 2)).rejects.toThrow(
      'missing IAM permission ecs:UpdateService on service migration-dev-target-cluster-proxy in cluster migration-dev-ecs-cluster',
    );
  });
});
