// The three SDK clients and the ports built on them: one call for the composition root.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { Clock } from '../../core/ports';
import { AwsStageResolver } from './discovery';
import { AwsEcs } from './ecs';
import { AwsLoadBalancer } from './load-balancer';
import { AwsMetrics } from './metrics';
import type { StagesOverrides } from './stages-file';

export interface AwsClientsOptions {
  /** Omitted: the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** Attempts per call, including the first (SDK standard retry mode: throttling, 5xx, timeouts). */
  maxAttempts: number;
  /** A transport in place of the SDK's HTTP handler (the simulated stack). */
  requestHandler?: ECSClientConfig['requestHandler'];
  credentials?: ECSClientConfig['credentials'];
  /**
   * Fixed delay between retries in ms, instead of the SDK's exponential backoff with jitter. For tests and
   * the simulated stack's fast runs; production leaves it unset.
   */
  retryDelayMs?: number;
}

export interface AwsClients {
  elbv2: ElasticLoadBalancingV2Client;
  ecs: ECSClient;
  cloudwatch: CloudWatchClient;
}

export function createAwsClients(options: AwsClientsOptions): AwsClients {
  // Endpoint is never set here, so AWS_ENDPOINT_URL(_<SERVICE>) keeps working as the SDK defines it.
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    ...(options.retryDelayMs !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }
      : { maxAttempts: options.maxAttempts, retryMode: 'standard' }),
  };
  return {
    elbv2: new ElasticLoadBalancingV2Client(common),
    ecs: new ECSClient(common),
    cloudwatch: new CloudWatchClient(common),
  };
}

export interface AwsPorts {
  resolver: AwsStageResolver;
  loadBalancer: AwsLoadBalancer;
  ecs: AwsEcs;
  metrics: AwsMetrics;
}

/** The core's AWS-facing ports over one set of clients. `stagesOverrides` comes from loadStagesFile. */
export function createAwsPorts(clients: AwsClients, clock: Clock, stagesOverrides: StagesOverrides = {}): AwsPorts {
  return {
    resolver: new AwsStageResolver(clients, clock, stagesOverrides),
    loadBalancer: new AwsLoadBalancer(clients.elbv2),
    ecs: new AwsEcs(clients.ecs),
    metrics: new AwsMetrics(clients.cloudwatch, clock),
  };
}
