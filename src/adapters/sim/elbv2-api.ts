// The simulated ELBv2 API (AWS Query): load balancers, listeners and their rules, target groups and target
// health, in the shapes DescribeLoadBalancers, DescribeListeners, DescribeRules, DescribeTargetGroups,
// DescribeTargetHealth and ModifyListener answer with, pages included.
import { SimAwsError, type SimAction, type SimListener, type SimStack, type SimStage } from './stack';
import type { QueryObject, QueryValue } from './wire';

export function elbv2(stack: SimStack, operation: string, input: QueryObject): unknown {
  const list = (v: QueryValue | undefined): string[] => (Array.isArray(v) ? (v.filter((x) => typeof x === 'string') as string[]) : []);
  switch (operation) {
    case 'DescribeLoadBalancers': {
      const names = list(input.Names);
      const arns = list(input.LoadBalancerArns);
      let found = [...stack.stages.values()];
      if (names.length > 0 || arns.length > 0) {
        const wanted = [...names, ...arns];
        const missing = wanted.filter((n) => !stack.findLoadBalancer(n));
        if (missing.length > 0) throw new SimAwsError('LoadBalancerNotFound', `Load balancers '[${missing.join(', ')}]' not found`);
        found = wanted.map((n) => stack.findLoadBalancer(n)!);
      }
      const { page, next } = paginate(found, input);
      return { LoadBalancers: page.map((s) => loadBalancerXml(s)), NextMarker: next };
    }
    case 'DescribeListeners': {
      // By load balancer, as the bot asks (ListenerArns are not simulated).
      const stage = typeof input.LoadBalancerArn === 'string' ? stack.findLoadBalancer(input.LoadBalancerArn) : undefined;
      if (!stage) throw new SimAwsError('LoadBalancerNotFound', `Load balancer '${String(input.LoadBalancerArn)}' not found`);
      const { page, next } = paginate(stage.listeners, input);
      return { Listeners: page.map((listener) => listenerXml(stage, listener)), NextMarker: next };
    }
    case 'DescribeRules': {
      const arn = typeof input.ListenerArn === 'string' ? input.ListenerArn : '';
      const found = stack.findListener(arn);
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
      if (wanted.length === 0) throw new SimAwsError('ValidationError', 'The simulated stack lists target groups by name or ARN only');
      const groups = wanted.map((n) => {
        const found = stack.findTargetGroup(n);
        if (!found) throw new SimAwsError('TargetGroupNotFound', 'One or more target groups not found');
        return found;
      });
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
      const found = stack.findTargetGroup(arn);
      if (!found) throw new SimAwsError('TargetGroupNotFound', `Target groups '${arn}' not found`);
      const now = stack.clock.now();
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
      const listener = stack.modifyListener(arn, actions);
      return { Listeners: [listenerXml(stack.findListener(arn)!.stage, listener)] };
    }
    default:
      throw new SimAwsError('InvalidAction', `The action ${operation} is not valid for this web service (simulated stack)`);
  }
}

function listenerXml(stage: SimStage, listener: SimListener): unknown {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: stage.loadBalancer.arn,
    Port: listener.port,
    Protocol: listener.protocol,
    Certificates: [{ CertificateArn: `arn:aws:acm:${stage.region}:${stage.account}:certificate/0f1e2d3c-4b5a-6978-8a9b-${stage.name.padEnd(12, '0').slice(0, 12)}` }],
    SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    DefaultActions: listener.defaultActions,
  };
}

function loadBalancerXml(stage: SimStage): unknown {
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
