// A fake SDK transport (the smithy HttpHandler contract) in front of the simulated stack. It decodes the
// real wire protocols (ELBv2: AWS Query, ECS: AWS JSON 1.1, CloudWatch: AWS JSON 1.0 in query-compatible
// mode) and answers in AWS's documented shapes, errors included, so the production adapters, the SDK's
// serializers and its retry logic all run unchanged in rehearsal and in tests.
import type { Side } from '../../core/types';
import { SimAwsError, type SimAction, type SimStack, type SimStage, type MinuteRecord } from './stack';
import { decodeQuery, queryError, queryResponse, type QueryObject, type QueryValue } from './wire';

/** What the SDK hands a request handler (structurally @smithy/protocol-http's HttpRequest). */
export interface SimHttpRequest {
  method: string;
  hostname?: string;
  path?: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SimHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.';
const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.';

type Protocol = 'query' | 'ecs' | 'cloudwatch';

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Decoded from the bytes themselves: the SDK's JSON body is a Uint8Array subclass that warns on string use.
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error('the simulated AWS transport only takes string or byte request bodies');
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    }, { once: true });
  });
}

const seconds = (ms: number) => ms / 1000;

export class SimTransport {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private requestCounter = 0;

  constructor(private readonly stack: SimStack) {}

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}

  async handle(request: SimHttpRequest, options?: { abortSignal?: unknown }): Promise<{ response: SimHttpResponse }> {
    const target = header(request.headers, 'x-amz-target');
    const text = bodyText(request.body);
    let protocol: Protocol;
    let operation: string;
    let input: unknown;
    if (target?.startsWith(ECS_TARGET)) {
      protocol = 'ecs';
      operation = target.slice(ECS_TARGET.length);
      input = text ? JSON.parse(text) : {};
    } else if (target?.startsWith(CLOUDWATCH_TARGET)) {
      protocol = 'cloudwatch';
      operation = target.slice(CLOUDWATCH_TARGET.length);
      input = text ? JSON.parse(text) : {};
    } else {
      protocol = 'query';
      const query = decodeQuery(text);
      operation = typeof query.Action === 'string' ? query.Action : 'Unknown';
      input = query;
    }
    const requestId = `${(++this.requestCounter).toString(16).padStart(8, '0')}-sim0-4000-8000-${Date.now().toString(16).padStart(12, '0')}`;

    const latency = this.stack.latencyFor(operation);
    if (latency > 0) await sleep(latency, options?.abortSignal as AbortSignal | undefined);

    this.stack.sync();
    const fault = this.stack.takeFault(operation, input);
    const timedOut = () => Object.assign(new Error(`Connection timed out after 3000 ms (simulated ${operation})`), { name: 'TimeoutError' });
    if (fault === 'timeout') throw timedOut();
    if (fault === 'hang') return never(options?.abortSignal as AbortSignal | undefined);
    try {
      if (fault === 'throttle') throw new SimAwsError(protocol === 'ecs' ? 'ThrottlingException' : 'Throttling', 'Rate exceeded', 400);
      if (fault === 'serverError') {
        throw protocol === 'ecs'
          ? new SimAwsError('ServerException', 'An internal error occurred (simulated)', 500)
          : new SimAwsError('ServiceUnavailable', 'Service Unavailable (simulated)', 503);
      }
      if (fault === 'accessDenied') throw this.accessDenied(protocol, operation);
      if (protocol === 'cloudwatch' && this.stack.cloudWatchDown) {
        throw new SimAwsError('ServiceUnavailable', 'Service Unavailable (simulated CloudWatch outage)', 503);
      }
      const result =
        protocol === 'query'
          ? this.elbv2(operation, input as QueryObject)
          : protocol === 'ecs'
            ? this.ecs(operation, input as Record<string, unknown>)
            : this.cloudwatch(operation, input as Record<string, unknown>);
      // AWS carried the call out; its answer is lost on the way back.
      if (fault === 'answerLost') throw timedOut();
      if (fault === 'answerNever') return await never(options?.abortSignal as AbortSignal | undefined);
      return { response: this.ok(protocol, operation, result, requestId) };
    } catch (error) {
      if (!(error instanceof SimAwsError)) throw error;
      return { response: this.error(protocol, error, requestId) };
    }
  }

  private accessDenied(protocol: Protocol, operation: string): SimAwsError {
    const service = protocol === 'query' ? 'elasticloadbalancing' : protocol;
    const message =
      `User: arn:aws:sts::${this.stack.account}:assumed-role/switchover-bot/session is not authorized to perform: ` +
      `${service}:${operation} because no identity-based policy allows the ${service}:${operation} action`;
    return new SimAwsError(protocol === 'ecs' ? 'AccessDeniedException' : 'AccessDenied', message, protocol === 'ecs' ? 400 : 403);
  }

  private ok(protocol: Protocol, operation: string, result: unknown, requestId: string): SimHttpResponse {
    if (protocol === 'query') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(queryResponse(operation, ELB_XMLNS, result, requestId)),
      };
    }
    return {
      statusCode: 200,
      headers: { 'content-type': `application/x-amz-json-${protocol === 'ecs' ? '1.1' : '1.0'}`, 'x-amzn-requestid': requestId },
      body: Buffer.from(JSON.stringify(result)),
    };
  }

  private error(protocol: Protocol, error: SimAwsError, requestId: string): SimHttpResponse {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    if (protocol === 'query') {
      return {
        statusCode: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(queryError(ELB_XMLNS, type, error.code, error.message, requestId)),
      };
    }
    const headers: Record<string, string> = {
      'content-type': `application/x-amz-json-${protocol === 'ecs' ? '1.1' : '1.0'}`,
      'x-amzn-requestid': requestId,
    };
    // CloudWatch speaks JSON but keeps its Query error codes, in this header.
    if (protocol === 'cloudwatch') headers['x-amzn-query-error'] = `${error.code};${type}`;
    return {
      statusCode: error.status,
      headers,
      body: Buffer.from(JSON.stringify({ __type: error.code, message: error.message })),
    };
  }

  // ---------------------------------------------------------------- ELBv2 (AWS Query)

  private elbv2(operation: string, input: QueryObject): unknown {
    const list = (v: QueryValue | undefined): string[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'string') as string[]) : []);
    const stages = [...this.stack.stages.values()];
    switch (operation) {
      case 'DescribeLoadBalancers': {
        const names = list(input.Names);
        const arns = list(input.LoadBalancerArns);
        let found = stages;
        if (names.length > 0 || arns.length > 0) {
          const wanted = [...names, ...arns];
          const missing = wanted.filter((n) => !this.stack.findLoadBalancer(n));
          if (missing.length > 0) throw new SimAwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
          found = wanted.map((n) => this.stack.findLoadBalancer(n)!);
        }
        const { page, next } = paginate(found, input);
        return { LoadBalancers: page.map((s) => this.loadBalancerXml(s)), NextMarker: next };
      }
      case 'DescribeListeners': {
        const arns = list(input.ListenerArns);
        let listeners: { stage: SimStage; listener: SimStage['listeners'][number] }[];
        if (arns.length > 0) {
          listeners = arns.map((arn) => {
            const found = this.stack.findListener(arn);
            if (!found) throw new SimAwsError('ListenerNotFound', `One or more listeners not found`);
            return found;
          });
        } else if (typeof input.LoadBalancerArn === 'string') {
          const stage = this.stack.findLoadBalancer(input.LoadBalancerArn);
          if (!stage) throw new SimAwsError('LoadBalancerNotFound', `Load balancer '${input.LoadBalancerArn}' not found`);
          listeners = stage.listeners.map((listener) => ({ stage, listener }));
        } else {
          throw new SimAwsError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
        }
        const { page, next } = paginate(listeners, input);
        return {
          Listeners: page.map(({ stage, listener }) => ({
            ListenerArn: listener.arn,
            LoadBalancerArn: stage.loadBalancer.arn,
            Port: listener.port,
            Protocol: listener.protocol,
            Certificates: [{ CertificateArn: `arn:aws:acm:${stage.region}:${stage.account}:certificate/0f1e2d3c-4b5a-6978-8a9b-${stage.name.padEnd(12, '0').slice(0, 12)}` }],
            SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
            DefaultActions: listener.defaultActions,
          })),
          NextMarker: next,
        };
      }
      case 'DescribeRules': {
        const arn = typeof input.ListenerArn === 'string' ? input.ListenerArn : '';
        const found = this.stack.findListener(arn);
        if (!found) throw new SimAwsError('ListenerNotFound', `Listener '${arn}' not found`);
        const { listener } = found;
        // The default rule comes last, with the listener's default actions, as AWS lists it.
        const rules = [
          ...[...listener.rules].sort((a, b) => Number(a.Priority) - Number(b.Priority)),
          { RuleArn: `${listener.arn.replace(':listener/', ':listener-rule/')}/default`, Priority: 'default', Conditions: [], Actions: listener.defaultActions, IsDefault: true },
        ];
        const { page, next } = paginate(rules, input);
        return { Rules: page, NextMarker: next };
      }
      case 'DescribeTargetGroups': {
        const wanted = [...list(input.Names), ...list(input.TargetGroupArns)];
        let groups: { stage: SimStage; group: SimStage['targetGroups'][Side] }[];
        if (wanted.length > 0) {
          groups = wanted.map((n) => {
            const found = this.stack.findTargetGroup(n);
            if (!found) throw new SimAwsError('TargetGroupNotFound', 'One or more target groups not found');
            return found;
          });
        } else if (typeof input.LoadBalancerArn === 'string') {
          const stage = this.stack.findLoadBalancer(input.LoadBalancerArn);
          if (!stage) throw new SimAwsError('LoadBalancerNotFound', `Load balancer '${input.LoadBalancerArn}' not found`);
          groups = Object.values(stage.targetGroups).map((group) => ({ stage, group }));
        } else {
          groups = stages.flatMap((stage) => Object.values(stage.targetGroups).map((group) => ({ stage, group })));
        }
        const { page, next } = paginate(groups, input);
        return {
          TargetGroups: page.map(({ stage, group }) => ({
            TargetGroupArn: group.arn,
            TargetGroupName: group.name,
            Protocol: 'HTTPS',
            Port: group.port,
            VpcId: 'vpc-0a1b2c3d4e5f60718',
            HealthCheckProtocol: 'HTTPS',
            HealthCheckPort: 'traffic-port',
            HealthCheckEnabled: true,
            HealthCheckIntervalSeconds: 30,
            HealthCheckTimeoutSeconds: 5,
            HealthyThresholdCount: 5,
            UnhealthyThresholdCount: 2,
            HealthCheckPath: '/',
            Matcher: { HttpCode: '200-499' },
            LoadBalancerArns: [stage.loadBalancer.arn],
            TargetType: 'ip',
            ProtocolVersion: 'HTTP1',
            IpAddressType: 'ipv4',
          })),
          NextMarker: next,
        };
      }
      case 'DescribeTargetHealth': {
        const arn = typeof input.TargetGroupArn === 'string' ? input.TargetGroupArn : '';
        const found = this.stack.findTargetGroup(arn);
        if (!found) throw new SimAwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
        const now = this.stack.clock.now();
        return {
          TargetHealthDescriptions: found.stage.targetHealth(found.group.side, now).map((t, i) => ({
            Target: { Id: t.id, Port: t.port, AvailabilityZone: `${found.stage.region}${'abc'[i % 3]}` },
            HealthCheckPort: String(t.port),
            TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
          })),
        };
      }
      case 'ModifyListener': {
        const arn = typeof input.ListenerArn === 'string' ? input.ListenerArn : '';
        const actions = (Array.isArray(input.DefaultActions) ? input.DefaultActions : []).map((a) => typed(a) as SimAction);
        const listener = this.stack.modifyListener(arn, actions);
        const stage = this.stack.findListener(arn)!.stage;
        return {
          Listeners: [
            {
              ListenerArn: listener.arn,
              LoadBalancerArn: stage.loadBalancer.arn,
              Port: listener.port,
              Protocol: listener.protocol,
              DefaultActions: listener.defaultActions,
            },
          ],
        };
      }
      default:
        throw new SimAwsError('InvalidAction', `The action ${operation} is not valid for this web service (simulated stack)`);
    }
  }

  private loadBalancerXml(stage: SimStage): unknown {
    return {
      LoadBalancerArn: stage.loadBalancer.arn,
      DNSName: stage.loadBalancer.dnsName,
      CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
      CreatedTime: new Date(stage.loadBalancer.createdAt),
      LoadBalancerName: stage.loadBalancer.name,
      Scheme: 'internal',
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      State: { Code: 'active' },
      Type: 'application',
      AvailabilityZones: [
        { ZoneName: `${stage.region}a`, SubnetId: 'subnet-0123456789abcdef0' },
        { ZoneName: `${stage.region}b`, SubnetId: 'subnet-0fedcba9876543210' },
      ],
      SecurityGroups: ['sg-0123456789abcdef0'],
      IpAddressType: 'ipv4',
    };
  }

  // ---------------------------------------------------------------- ECS (AWS JSON 1.1)

  private ecs(operation: string, input: Record<string, unknown>): unknown {
    const clusterName = typeof input.cluster === 'string' ? input.cluster : 'default';
    const stage = this.stack.findCluster(clusterName);
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
          const side = this.serviceSide(stage, name);
          if (side) services.push(this.serviceJson(stage, side));
          else failures.push({ arn: `arn:aws:ecs:${stage.region}:${stage.account}:service/${stage.cluster.name}/${name}`, reason: 'MISSING' });
        }
        return { services, failures };
      }
      case 'UpdateService': {
        if (!stage) throw new SimAwsError('ClusterNotFoundException', 'Cluster not found.');
        const side = this.serviceSide(stage, typeof input.service === 'string' ? input.service : '');
        if (!side) throw new SimAwsError('ServiceNotFoundException', 'Service not found.');
        const now = this.stack.clock.now();
        if (input.desiredCount !== undefined) {
          const desired = input.desiredCount;
          if (typeof desired !== 'number' || !Number.isInteger(desired) || desired < 0) {
            throw new SimAwsError('InvalidParameterException', 'The desired count must be 0 or greater.');
          }
          stage.setDesired(side, desired, now);
        }
        if (input.forceNewDeployment === true) stage.forceNewDeployment(side, now);
        return { service: this.serviceJson(stage, side) };
      }
      default:
        throw new SimAwsError('UnknownOperationException', `${operation} is not supported by the simulated stack`);
    }
  }

  private serviceSide(stage: SimStage, nameOrArn: string): Side | undefined {
    return (['source', 'target'] as const).find((side) => stage.services[side].name === nameOrArn || stage.services[side].arn === nameOrArn);
  }

  private serviceJson(stage: SimStage, side: Side): unknown {
    const service = stage.services[side];
    const now = this.stack.clock.now();
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
          failedTasks: d.failedTasks,
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

  // ---------------------------------------------------------------- CloudWatch (AWS JSON 1.0)

  private cloudwatch(operation: string, input: Record<string, unknown>): unknown {
    if (operation !== 'GetMetricData') {
      throw new SimAwsError('InvalidAction', `${operation} is not supported by the simulated stack`);
    }
    const queries = Array.isArray(input.MetricDataQueries) ? (input.MetricDataQueries as MetricDataQueryJson[]) : [];
    if (queries.length === 0 || queries.length > 500) {
      throw new SimAwsError('ValidationError', 'The collection MetricDataQueries must not be empty and must not have a size greater than 500.');
    }
    const ids = new Set<string>();
    for (const q of queries) {
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id ?? '')) throw new SimAwsError('ValidationError', `Invalid metric data query id '${q.Id}'.`);
      if (ids.has(q.Id!)) throw new SimAwsError('ValidationError', `The values for parameter id in MetricDataQueries are not unique.`);
      ids.add(q.Id!);
    }
    const start = timeOf(input.StartTime);
    const end = timeOf(input.EndTime);
    if (!(start < end)) throw new SimAwsError('ValidationError', 'The parameter StartTime must be less than the parameter EndTime.');
    const now = this.stack.clock.now();
    const ascending = input.ScanBy === 'TimestampAscending';
    return {
      MetricDataResults: queries.map((q) => {
        const metric = q.MetricStat?.Metric;
        const stat = q.MetricStat?.Stat ?? '';
        if (metric && (this.stack.failingMetrics.has(metric.MetricName ?? '') || this.stack.failingMetrics.has(`${metric.MetricName}:${stat}`))) {
          return {
            Id: q.Id,
            Label: metric.MetricName,
            Timestamps: [],
            Values: [],
            StatusCode: 'InternalError',
            Messages: [{ Code: 'InternalError', Value: 'Internal error while retrieving datapoints (simulated)' }],
          };
        }
        const points = metric ? this.datapoints(metric, q.MetricStat?.Period ?? 60, stat, start, end, now) : [];
        if (!ascending) points.reverse();
        return {
          Id: q.Id,
          Label: q.Label ?? metric?.MetricName ?? q.Id,
          Timestamps: points.map((p) => seconds(p.t)),
          Values: points.map((p) => p.v),
          StatusCode: 'Complete',
          Messages: [],
        };
      }),
      Messages: [],
    };
  }

  private datapoints(metric: MetricJson, period: number, stat: string, start: number, end: number, now: number): { t: number; v: number }[] {
    if (metric.Namespace !== 'AWS/ApplicationELB' || !metric.MetricName) return [];
    const dims = new Map((metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
    let stage: SimStage | undefined;
    let side: Side | undefined;
    const tgDim = dims.get('TargetGroup');
    const lbDim = dims.get('LoadBalancer');
    if (tgDim) {
      const found = [...this.stack.stages.values()].flatMap((s) =>
        (['source', 'target'] as const).filter((x) => `targetgroup/${s.targetGroups[x].arn.split(':targetgroup/')[1]}` === tgDim).map((x) => ({ s, x })),
      )[0];
      if (!found) return [];
      // Like CloudWatch: AWS/ApplicationELB publishes per-target-group metrics only with the dimension set
      // {TargetGroup, LoadBalancer} (and with AvailabilityZone added), never {TargetGroup} alone; a query for
      // a combination that is not published finds no metric and silently returns no datapoints.
      if (lbDim === undefined || lbDim !== lbDimension(found.s)) return [];
      stage = found.s;
      side = found.x;
    } else if (lbDim) {
      stage = [...this.stack.stages.values()].find((s) => lbDimension(s) === lbDim);
    }
    if (!stage || [...dims.keys()].some((k) => k !== 'TargetGroup' && k !== 'LoadBalancer')) return [];

    const periodMs = Math.max(60, period) * 1000;
    const buckets = new Map<number, MinuteRecord[]>();
    for (const m of stage.publishedMinutes(now)) {
      if (m.t < start || m.t >= end) continue;
      const b = Math.floor(m.t / periodMs) * periodMs;
      (buckets.get(b) ?? buckets.set(b, []).get(b)!).push(m);
    }
    const out: { t: number; v: number }[] = [];
    for (const [t, minutes] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
      const v = aggregate(metric.MetricName, stat, minutes, side);
      if (v !== undefined) out.push({ t, v });
    }
    return out;
  }
}

interface MetricJson {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: string }[];
}

interface MetricDataQueryJson {
  Id?: string;
  Label?: string;
  MetricStat?: { Metric?: MetricJson; Period?: number; Stat?: string };
}

function lbDimension(stage: SimStage): string {
  return stage.loadBalancer.arn.split(':loadbalancer/')[1]!;
}

function timeOf(value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return NaN;
}

const COUNTS: Record<string, 'requests' | 'c2xx' | 'c3xx' | 'c4xx' | 'c5xx'> = {
  RequestCount: 'requests',
  HTTPCode_Target_2XX_Count: 'c2xx',
  HTTPCode_Target_3XX_Count: 'c3xx',
  HTTPCode_Target_4XX_Count: 'c4xx',
  HTTPCode_Target_5XX_Count: 'c5xx',
};

/** One datapoint from the minutes of a period, or undefined where CloudWatch would have none. */
function aggregate(metricName: string, stat: string, minutes: MinuteRecord[], side: Side | undefined): number | undefined {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const positive = (v: number) => (v > 0 ? v : undefined);
  if (side) {
    const sm = minutes.map((m) => m[side]);
    const count = COUNTS[metricName];
    if (count) return stat === 'Sum' || stat === 'SampleCount' ? positive(sum(sm.map((s) => s[count]))) : undefined;
    if (metricName === 'TargetResponseTime') {
      const live = sm.filter((s) => s.requests > 0);
      const requests = sum(live.map((s) => s.requests));
      if (requests === 0) return undefined;
      const avg = sum(live.map((s) => s.latencyAvg * s.requests)) / requests;
      const p99 = Math.max(...live.map((s) => s.latencyP99));
      if (stat === 'Average') return avg;
      if (stat === 'Maximum') return p99 * 1.8;
      if (stat === 'Minimum') return 0.003;
      if (stat === 'SampleCount') return requests;
      const p = /^p(\d+(\.\d+)?)$/.exec(stat);
      if (!p) return undefined;
      const n = Number(p[1]);
      if (n >= 99) return p99 * (1 + (n - 99) * 0.5);
      const floor = avg * 0.85;
      return floor + (p99 - floor) * Math.max(0, (n - 50) / 49) ** 3;
    }
    if (metricName === 'TargetConnectionErrorCount') return stat === 'Sum' ? positive(sum(sm.map((s) => s.connectionErrors))) : undefined;
    if (metricName === 'HealthyHostCount' || metricName === 'UnHealthyHostCount') {
      const xs = sm.map((s) => (metricName === 'HealthyHostCount' ? s.healthyHosts : s.unhealthyHosts));
      if (stat === 'Minimum') return Math.min(...xs);
      if (stat === 'Maximum') return Math.max(...xs);
      if (stat === 'Average') return sum(xs) / xs.length;
      if (stat === 'Sum') return sum(xs);
      if (stat === 'SampleCount') return xs.length;
    }
    return undefined;
  }
  if (stat !== 'Sum' && stat !== 'SampleCount') return undefined;
  switch (metricName) {
    case 'ActiveConnectionCount':
      return positive(sum(minutes.map((m) => m.activeConnections)));
    case 'NewConnectionCount':
      return positive(sum(minutes.map((m) => m.newConnections)));
    case 'HTTPCode_ELB_5XX_Count':
    case 'HTTPCode_ELB_503_Count':
      return positive(sum(minutes.map((m) => m.elb5xx)));
    case 'RequestCount':
      return positive(sum(minutes.map((m) => m.source.requests + m.target.requests + m.elb5xx)));
    default:
      return undefined;
  }
}

const NUMBER_KEYS = new Set(['Weight', 'Order', 'DurationSeconds', 'SessionTimeout', 'StatusCode']);
const BOOLEAN_KEYS = new Set(['Enabled', 'UseExistingClientSecret']);

/** Query values are strings on the wire; give the action fields the model reads their real types. */
function typed(value: QueryValue, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => typed(v));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typed(v, k)]));
  if (NUMBER_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (BOOLEAN_KEYS.has(key)) return value === 'true';
  return value;
}

function paginate<T>(items: T[], input: QueryObject): { page: T[]; next?: string } {
  const from = typeof input.Marker === 'string' ? Number(Buffer.from(input.Marker, 'base64').toString('utf8')) || 0 : 0;
  const size = typeof input.PageSize === 'string' ? Math.max(1, Math.min(400, Number(input.PageSize))) : 400;
  const page = items.slice(from, from + size);
  const next = from + size < items.length ? Buffer.from(String(from + size)).toString('base64') : undefined;
  return { page, next };
}

/** An answer that never comes; only the caller's abort ends the wait. */
function never(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), { once: true });
  });
}
