// The capture proxy and target proxy ECS services. Their names come from the naming convention (or the
// stages file) without a lookup at resolution time, so a missing service is reported here, on first use.
import {
  DescribeServicesCommand,
  type ECSClient,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { EcsPort } from '../../core/ports';
import type { EcsServiceCounts, ProxyServices, StageResources } from '../../core/types';
import { AwsCallError, awsCall, StageNotFoundError } from './errors';

function counts(service: Service): EcsServiceCounts {
  return {
    name: service.serviceName ?? 'unknown',
    status: service.status ?? 'UNKNOWN',
    desired: service.desiredCount ?? 0,
    running: service.runningCount ?? 0,
    pending: service.pendingCount ?? 0,
    deployments: (service.deployments ?? []).map((d) => ({
      id: d.id ?? 'unknown',
      status: d.status ?? 'UNKNOWN',
      ...(d.rolloutState ? { rolloutState: d.rolloutState } : {}),
      desired: d.desiredCount ?? 0,
      running: d.runningCount ?? 0,
      pending: d.pendingCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
    })),
  };
}

function clusterNotFound(resources: StageResources): StageNotFoundError {
  return new StageNotFoundError(
    `Stage \`${resources.stage}\`: no ECS cluster named \`${resources.ecsCluster}\`. ` +
      'Check the stack, or map ecsCluster in SWITCHOVER_STAGES_FILE.',
  );
}

export class AwsEcs implements EcsPort {
  constructor(private readonly ecs: ECSClient) {}

  async describeProxies(resources: StageResources): Promise<ProxyServices> {
    const { ecsCluster: cluster, captureProxyService: capture, targetProxyService: target } = resources;
    const out = await this.call('ecs:DescribeServices', resources, `services ${capture}, ${target} in cluster ${cluster}`, () =>
      this.ecs.send(new DescribeServicesCommand({ cluster, services: [capture, target] })),
    );
    const find = (name: string, role: string, key: string): Service => {
      const service = out.services?.find((s) => s.serviceName === name || s.serviceArn?.endsWith(`/${name}`));
      // DescribeServices still returns a deleted service for a while, as INACTIVE.
      if (!service || service.status === 'INACTIVE') {
        const failure = out.failures?.find((f) => f.arn?.endsWith(`/${name}`) || f.arn === name);
        const why = service ? 'INACTIVE (deleted)' : `not found${failure?.reason ? ` (${failure.reason})` : ''}`;
        throw new StageNotFoundError(
          `Stage \`${resources.stage}\`: the ${role} ECS service \`${name}\` in cluster \`${cluster}\` is ${why}. ` +
            `Check the stack, or map ${key} in SWITCHOVER_STAGES_FILE.`,
        );
      }
      return service;
    };
    return {
      captureProxy: counts(find(capture, 'capture proxy', 'captureProxyService')),
      targetProxy: counts(find(target, 'target proxy', 'targetProxyService')),
    };
  }

  async setTargetProxyDesiredCount(resources: StageResources, desired: number): Promise<void> {
    if (!Number.isInteger(desired) || desired < 0) {
      throw new RangeError(`desired count ${desired} is not allowed: it must be a whole number, 0 or more`);
    }
    const { ecsCluster: cluster, targetProxyService: service } = resources;
    await this.call('ecs:UpdateService', resources, `service ${service} in cluster ${cluster}`, () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: desired })),
    );
  }

  async restartCaptureProxy(resources: StageResources): Promise<void> {
    const { ecsCluster: cluster, captureProxyService: service } = resources;
    await this.call('ecs:UpdateService', resources, `service ${service} in cluster ${cluster}`, () =>
      this.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true })),
    );
  }

  /** awsCall, plus ECS's "not found" answers turned into messages naming the stage's resource. */
  private async call<T>(operation: string, resources: StageResources, resource: string, send: () => Promise<T>): Promise<T> {
    try {
      return await awsCall(operation, resource, send);
    } catch (error) {
      if (error instanceof AwsCallError && error.code === 'ClusterNotFoundException') throw clusterNotFound(resources);
      if (error instanceof AwsCallError && (error.code === 'ServiceNotFoundException' || error.code === 'ServiceNotActiveException')) {
        throw new StageNotFoundError(
          `Stage \`${resources.stage}\`: ECS ${resource} is not there or not active (${error.code}). ` +
            'Check the stack, or map the service in SWITCHOVER_STAGES_FILE.',
        );
      }
      throw error;
    }
  }
}
