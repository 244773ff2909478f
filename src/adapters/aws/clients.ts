// The three SDK clients and the ports built on them: one call for the composition root.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { Clock, EcsPort, LoadBalancerPort } from '../../core/ports';
import { AwsStageResolver } from './discovery';
import { AwsEcs } from './ecs';
import { AwsCallError, StageNotFoundError } from './errors';
import { AwsLoadBalancer } from './load-balancer';
import { AwsMetrics } from './metrics';
import type { StagesOverrides } from './stages-file';

interface AwsClientsOptions {
  /** Omitted: the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  /** Attempts per call, including the first (SDK standard retry mode: throttling, 5xx, timeouts). */
  maxAttempts: number;
  /** A transport in place of the SDK's HTTP handler (the simulated stack). */
  requestHandler?: ECSClientConfig['requestHandler'];
  /** Timeouts of the SDK's HTTP handler (tests shorten them); ignored with a requestHandler. */
  timeouts?: { connectMs: number; answerMs: number };
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

/**
 * The SDK sets no timeout of its own: a call AWS never answers (a connection gone silent) would hold a status,
 * or an approval being applied, forever. Past these it fails as a timeout, which the retry strategy retries
 * like throttling and the bot then reports as "did not get an answer from AWS".
 */
export const AWS_TIMEOUTS = { connectMs: 3_000, answerMs: 10_000 };

export function createAwsClients(options: AwsClientsOptions): AwsClients {
  const timeouts = options.timeouts ?? AWS_TIMEOUTS;
  // Endpoint is never set here, so AWS_ENDPOINT_URL(_<SERVICE>) keeps working as the SDK defines it.
  const common = {
    // Resolve each command's middleware stack once, not on every call (a tenth of a status's SDK time); the
    // stack is final once built (withoutSdkLogging below runs before any call).
    // With the logger middleware's removal, this keeps a fallback's Apply to ModifyListener within 1.2 x L
    // (README, Benchmarks).
    cacheMiddleware: true,
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: options.requestHandler ?? {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.answerMs,
      // Without it the SDK only logs a warning when requestTimeout passes, and goes on waiting.
      throwOnRequestTimeout: true,
    },
    ...(options.retryDelayMs !== undefined
      ? { retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts, options.retryDelayMs) }
      : { maxAttempts: options.maxAttempts, retryMode: 'standard' }),
  };
  return withoutSdkLogging({
    elbv2: new ElasticLoadBalancingV2Client(common),
    ecs: new ECSClient(common),
    cloudwatch: new CloudWatchClient(common),
  });
}

/**
 * The SDK's logger middleware copies every input and output through its sensitive-data filter for the
 * configured logger, even the default no-op one: a deep copy of each response for nothing. The bot logs
 * its AWS calls and failures itself.
 */
function withoutSdkLogging(clients: AwsClients): AwsClients {
  for (const client of Object.values(clients)) client.middlewareStack.remove('loggerMiddleware');
  return clients;
}

export interface AwsPorts {
  resolver: AwsStageResolver;
  loadBalancer: LoadBalancerPort;
  ecs: EcsPort;
  metrics: AwsMetrics;
}

/** Codes meaning a resolved resource is gone or changed: the stack was redeployed since it was resolved. */
const STALE_RESOLUTION_CODES = new Set([
  'ListenerNotFound',
  'ListenerNotFoundException',
  'NotWeightedForward',
  'LoadBalancerNotFoundException',
  'TargetGroupNotFoundException',
  'ClusterNotFoundException',
  'ServiceNotFoundException',
]);

function isStaleResolution(error: unknown): boolean {
  return error instanceof StageNotFoundError || (error instanceof AwsCallError && STALE_RESOLUTION_CODES.has(error.code));
}

/**
 * Resolutions are cached for minutes; when AWS says a cached resource is gone, forget them all, so the operator's
 * next command resolves the stage afresh instead of failing on stale ARNs until the cache expires.
 */
async function forgettingStale<T>(call: Promise<T>, resolver: AwsStageResolver): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isStaleResolution(error)) resolver.invalidate();
    throw error;
  }
}

/** The core's AWS-facing ports over one set of clients. `stagesOverrides` comes from loadStagesFile. */
export function createAwsPorts(clients: AwsClients, clock: Clock, stagesOverrides: StagesOverrides = {}): AwsPorts {
  const resolver = new AwsStageResolver(clients, clock, stagesOverrides);
  const loadBalancer = new AwsLoadBalancer(clients.elbv2);
  const ecs = new AwsEcs(clients.ecs);
  return {
    resolver,
    loadBalancer: {
      readListener: (resources) => forgettingStale(loadBalancer.readListener(resources), resolver),
      setWeights: (resources, current, weights) => forgettingStale(loadBalancer.setWeights(resources, current, weights), resolver),
      targetHealth: (group) => forgettingStale(loadBalancer.targetHealth(group), resolver),
    },
    ecs: {
      describeProxies: (resources) => forgettingStale(ecs.describeProxies(resources), resolver),
      setTargetProxyDesiredCount: (resources, desired) => forgettingStale(ecs.setTargetProxyDesiredCount(resources, desired), resolver),
      restartCaptureProxy: (resources) => forgettingStale(ecs.restartCaptureProxy(resources), resolver),
    },
    metrics: new AwsMetrics(clients.cloudwatch, clock),
  };
}
