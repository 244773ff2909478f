// The simulated ECS API (AWS JSON 1.1): the capture and target proxy services, their deployments and tasks,
// as DescribeServices and UpdateService answer with them.
import type { Side } from '../../core/types';
import { SimAwsError, type SimStack, type SimStage } from './stack';
import { epochSeconds as seconds } from './wire';

export function ecs(stack: SimStack, operation: string, input: Record<string, unknown>): unknown {
  const clusterName = typeof input.cluster === 'string' ? input.cluster : 'default';
  const stage = stack.findCluster(clusterName);
  switch (operation) {
    case 'DescribeServices': {
      if (!stage) throw new SimAwsError('ClusterNotFoundException', 'Cluster not found.');
      const names = Array.isArray(input.services) ? (input.services as string[]) : [];
      if (names.length === 0 || names.length > 10) {
        throw new SimAwsError('InvalidParameterException', 'services must contain between 1 and 10 service names or ARNs.');
      }
      const services: unknown[] = [];
      const failures: unknown[] = [];
      for (const name of names) {
        const side = serviceSide(stage, name);
        if (side) services.push(serviceJson(stack, stage, side));
        else failures.push({ arn: `arn:aws:ecs:${stage.region}:${stage.account}:service/${stage.cluster.name}/${name}`, reason: 'MISSING' });
      }
      return { services, failures };
    }
    case 'UpdateService': {
      if (!stage) throw new SimAwsError('ClusterNotFoundException', 'Cluster not found.');
      const side = serviceSide(stage, typeof input.service === 'string' ? input.service : '');
      if (!side) throw new SimAwsError('ServiceNotFoundException', 'Service not found.');
      const now = stack.clock.now();
      if (input.desiredCount !== undefined) {
        const desired = input.desiredCount;
        if (typeof desired !== 'number' || !Number.isInteger(desired) || desired < 0) {
          throw new SimAwsError('InvalidParameterException', 'The desired count must be 0 or greater.');
        }
        stage.setDesired(side, desired, now);
      }
      if (input.forceNewDeployment === true) stage.forceNewDeployment(side, now);
      return { service: serviceJson(stack, stage, side) };
    }
    default:
      throw new SimAwsError('UnknownOperationException', `${operation} is not supported by the simulated stack`);
  }
}

function serviceSide(stage: SimStage, nameOrArn: string): Side | undefined {
  return (['source', 'target'] as const).find((side) => stage.services[side].name === nameOrArn || stage.services[side].arn === nameOrArn);
}

function serviceJson(stack: SimStack, stage: SimStage, side: Side): unknown {
  const service = stage.services[side];
  const now = stack.clock.now();
  const counts = stage.counts(side, now);
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: stage.cluster.arn,
    loadBalancers: [{ targetGroupArn: stage.targetGroups[side].arn, containerName: side === 'source' ? 'capture-proxy' : 'target-cluster-proxy', containerPort: 9200 }],
    status: 'ACTIVE',
    desiredCount: service.desired,
    runningCount: counts.running,
    pendingCount: counts.pending,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    taskDefinition: service.deployments[0]!.taskDefinition,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: false, rollback: false }, maximumPercent: 200, minimumHealthyPercent: 100 },
    deployments: service.deployments.map((d, i) => {
      const c = stage.counts(side, now, d.id);
      return {
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinition,
        desiredCount: i === 0 ? service.desired : c.running + c.pending,
        pendingCount: c.pending,
        runningCount: c.running,
        failedTasks: 0,
        createdAt: seconds(d.createdAt),
        updatedAt: seconds(d.updatedAt),
        launchType: 'FARGATE',
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutState === 'COMPLETED' ? 'ECS deployment ' + d.id + ' completed.' : 'ECS deployment ' + d.id + ' in progress.',
      };
    }),
    createdAt: seconds(service.createdAt),
    schedulingStrategy: 'REPLICA',
    healthCheckGracePeriodSeconds: 0,
    events: [],
  };
}
