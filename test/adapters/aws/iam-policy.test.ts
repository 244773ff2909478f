// docs/iam-policy.json is exactly what the code needs: its actions are derived from the SDK commands and
// paginators the AWS adapters import (a new command without its permission fails here, and so does a permission
// no code uses), and its resources reach the stage's own listener and proxy services, nothing next to them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { defaultStageNames } from '../../../src/adapters/aws/naming';
import { filesUnder } from '../../support/source-files';

const ROOT = join(__dirname, '..', '..', '..');
const ADAPTERS = join(ROOT, 'src', 'adapters', 'aws');

/** The IAM service prefix of each SDK client package the adapters use. */
const IAM_PREFIX: Record<string, string> = {
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-ecs': 'ecs',
  'client-cloudwatch': 'cloudwatch',
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(join(ROOT, 'docs', 'iam-policy.json'), 'utf8')) as { Version: string; Statement: Statement[] };
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

/** Every IAM action behind a command class or paginator imported from an SDK client, across the AWS adapters. */
function actionsTheCodeSends(): string[] {
  const actions = new Set<string>();
  for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(ADAPTERS, file), 'utf8');
    for (const [, names, pkg] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/([^']+)'/g)) {
      for (const raw of names!.split(',')) {
        const name = raw.trim();
        if (name === '' || name.startsWith('type ')) continue;
        const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (!operation) continue;
        expect([file, IAM_PREFIX[pkg!]]).toEqual([file, expect.any(String)]);
        actions.add(`${IAM_PREFIX[pkg!]}:${operation}`);
      }
    }
  }
  return [...actions].sort();
}

/** IAM's wildcard match: `*` any run of characters, `?` one. */
function matches(pattern: string, arn: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}
const allowed = (action: string, arn: string) =>
  policy.Statement.some((s) => s.Effect === 'Allow' && list(s.Action).includes(action) && list(s.Resource).some((r) => matches(r, arn)));

describe('docs/iam-policy.json', () => {
  it('allows exactly the actions of the SDK commands the AWS adapters send', () => {
    const sent = actionsTheCodeSends();
    expect(sent).toEqual(expect.arrayContaining(['elasticloadbalancing:ModifyListener', 'cloudwatch:GetMetricData', 'ecs:UpdateService']));
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    expect([...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort()).toEqual(sent);
  });

  it('names each permission as the adapters report it when AWS refuses it', () => {
    // awsCall('elasticloadbalancing:DescribeRules', ...) is what "missing IAM permission ..." quotes.
    const quoted = new Set<string>();
    for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(ADAPTERS, file), 'utf8');
      for (const [, action] of source.matchAll(/'((?:elasticloadbalancing|ecs|cloudwatch):\w+)'/g)) quoted.add(action!);
    }
    expect([...quoted].sort()).toEqual(actionsTheCodeSends());
  });

  it('leaves the SDK clients to the AWS adapters', () => {
    const importing = filesUnder(join(ROOT, 'src')).filter((file) => /from '@aws-sdk\/client-/.test(readFileSync(file, 'utf8')));
    expect(importing.filter((file) => !file.startsWith(ADAPTERS + sep))).toEqual([]);
  });

  it("reaches the stage's switchover listener and proxy services, nothing next to them", () => {
    const dev = defaultStageNames('dev');
    const listener = (lb: string, kind = 'app') => `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/${kind}/${lb}/50dc6c495c0c9188/f2f7dc8efc522ab2`;
    const service = (cluster: string, name: string) => `arn:aws:ecs:us-east-1:123456789012:service/${cluster}/${name}`;

    expect(allowed('elasticloadbalancing:ModifyListener', listener(dev.loadBalancerName))).toBe(true);
    expect(allowed('elasticloadbalancing:ModifyListener', listener('some-other-alb'))).toBe(false);
    expect(allowed('elasticloadbalancing:ModifyListener', listener(dev.loadBalancerName, 'net'))).toBe(false);
    expect(allowed('elasticloadbalancing:ModifyListener', `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${dev.loadBalancerName}/50dc6c495c0c9188`)).toBe(false);

    for (const action of ['ecs:DescribeServices', 'ecs:UpdateService']) {
      expect(allowed(action, service(dev.ecsCluster, dev.captureProxyService))).toBe(true);
      expect(allowed(action, service(dev.ecsCluster, dev.targetProxyService))).toBe(true);
      // The stack's other services (the migration console, replayer ...) and other clusters stay out of reach.
      expect(allowed(action, service(dev.ecsCluster, 'migration-dev-migration-console'))).toBe(false);
      expect(allowed(action, service(dev.ecsCluster, 'migration-dev-traffic-replayer-default'))).toBe(false);
      expect(allowed(action, service('production-cluster', dev.targetProxyService))).toBe(false);
    }

    // Only the actions AWS gives no resource-level permission keep "*".
    const everywhere = policy.Statement.filter((s) => list(s.Resource).includes('*')).flatMap((s) => list(s.Action));
    expect(everywhere.filter((a) => !/^elasticloadbalancing:Describe\w+$|^cloudwatch:GetMetricData$/.test(a))).toEqual([]);
  });

  it('is the policy the README shows', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## IAM permissions'));
    const shown = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(JSON.parse(shown ?? 'null')).toEqual(policy);
  });
});
