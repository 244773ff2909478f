// Start-up configuration: every missing or malformed variable named in one message; the process exits 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ConfigError, loadConfig, NO_LONGER_READ, SETTING_NAMES } from '../src/config';
import { runBot } from './support/run-bot';
import { filesUnder } from './support/source-files';

const VALID = {
  SLACK_BOT_TOKEN: 'xoxb-1-valid',
  SLACK_SIGNING_SECRET: 'secret',
  AWS_REGION: 'us-east-1',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env as NodeJS.ProcessEnv);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(VALID);
    expect(config.slack).toEqual({ botToken: 'xoxb-1-valid', signingSecret: 'secret', appToken: undefined, apiUrl: undefined, mode: 'http', port: 3000 });
    expect(config.access).toEqual({ channels: [], operators: [], approvers: [] });
    expect(config.approvalTtlMinutes).toBe(15);
    expect(config.dataDir).toBe('./data');
    expect(config.simulate).toBe(false);
    expect(config.quickchartUrl).toBeUndefined(); // charts drawn in the bot: no metric leaves the network
    expect(config.logLevel).toBe('info');
    expect(config.settleMs).toBe(60_000);
    expect(config.watch).toEqual({
      minutes: 60,
      errorRatePoints: 1,
      p99Factor: 2,
      breachConfidence: 99,
      healthyConfidence: 95,
      minRequestsPerMinute: 20,
      completeMinutes: 5,
    });
    expect(config.deprecated).toEqual([]);
  });

  it('takes the confidence of each verdict as a percent', () => {
    const config = loadConfig({ ...VALID, SWITCHOVER_BREACH_CONFIDENCE: '99.9', SWITCHOVER_HEALTHY_CONFIDENCE: '90' });
    expect(config.watch).toMatchObject({ breachConfidence: 99.9, healthyConfidence: 90 });
  });

  it('still starts with the consecutive-minute settings the judge replaced, and says they are no longer read', () => {
    const config = loadConfig({ ...VALID, SWITCHOVER_GUARD_5XX_MINUTES: '2', SWITCHOVER_GUARD_P99_MINUTES: '3' });
    expect(config.deprecated).toEqual([
      expect.stringMatching(/^SWITCHOVER_GUARD_5XX_MINUTES is no longer read: /),
      expect.stringMatching(/^SWITCHOVER_GUARD_P99_MINUTES is no longer read: /),
    ]);
  });

  it('reads the settled-minute lag in seconds, shared by status and the watch', () => {
    expect(loadConfig({ ...VALID, SWITCHOVER_SETTLE_SECONDS: '90' }).settleMs).toBe(90_000);
    expect(problems({ ...VALID, SWITCHOVER_SETTLE_SECONDS: '1.5' })).toEqual(['SWITCHOVER_SETTLE_SECONDS must be a whole number from 0 to 600']);
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, and then needs no signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-abc', AWS_REGION: 'eu-west-1' });
    expect(config.slack.mode).toBe('socket');
  });

  it('reads ID lists separated by commas or spaces', () => {
    const config = loadConfig({ ...VALID, SWITCHOVER_CHANNELS: 'C0AAA, C0BBB', SWITCHOVER_OPERATORS: 'U0AAA S0OPS', SWITCHOVER_APPROVERS: 'W0AAA' });
    expect(config.access).toEqual({ channels: ['C0AAA', 'C0BBB'], operators: ['U0AAA', 'S0OPS'], approvers: ['W0AAA'] });
  });

  it('needs no AWS region when simulating', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SWITCHOVER_SIMULATE: 'true' }).simulate).toBe(true);
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'SLACK_BOT_TOKEN is required'],
    ['SLACK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET is required in HTTP mode'],
    ['AWS_REGION', 'AWS_REGION is required'],
  ])('names the missing required variable %s', (name, message) => {
    const env: Record<string, string | undefined> = { ...VALID, [name]: undefined };
    expect(problems(env)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token'],
    ['SLACK_APP_TOKEN', 'xoxb-not-an-app-token'],
    ['SLACK_API_URL', 'slack.example'],
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', 'http'],
    ['SWITCHOVER_CHANNELS', '#switchover'],
    ['SWITCHOVER_OPERATORS', '@alice'],
    ['SWITCHOVER_APPROVERS', 'C0CHANNEL'],
    ['SWITCHOVER_APPROVAL_TTL_MINUTES', '0'],
    ['SWITCHOVER_APPROVAL_TTL_MINUTES', '1.5'],
    ['SWITCHOVER_SIMULATE', 'maybe'],
    ['QUICKCHART_URL', 'ftp://charts'],
    ['SWITCHOVER_PREP_TIMEOUT_MINUTES', '500'],
    ['SWITCHOVER_WATCH_MINUTES', '1'],
    ['SWITCHOVER_GUARD_5XX_POINTS', 'lots'],
    ['SWITCHOVER_GUARD_P99_FACTOR', '0.5'],
    ['SWITCHOVER_BREACH_CONFIDENCE', '100'],
    ['SWITCHOVER_BREACH_CONFIDENCE', '0.99'],
    ['SWITCHOVER_HEALTHY_CONFIDENCE', '50'],
    ['SWITCHOVER_HEALTHY_CONFIDENCE', '95%'],
    ['SWITCHOVER_MIN_REQUESTS_PER_MINUTE', '0'],
    ['SWITCHOVER_COMPLETE_MINUTES', 'x'],
    ['SWITCHOVER_AWS_MAX_ATTEMPTS', '21'],
    ['LOG_LEVEL', 'verbose'],
  ])('names the malformed variable %s=%j', (name, value) => {
    const found = problems({ ...VALID, [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]!.startsWith(`${name} `)).toBe(true);
  });

  it('names every bad variable in one message', () => {
    try {
      loadConfig({ PORT: 'abc', SWITCHOVER_CHANNELS: 'general', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'AWS_REGION', 'PORT', 'SWITCHOVER_CHANNELS', 'LOG_LEVEL']) {
        expect(message).toContain(`  - ${name} `);
      }
    }
  });
});

describe('start-up with a bad configuration', () => {
  it('prints one message naming every bad variable and exits non-zero, without echoing secrets', async () => {
    const bot = runBot({ SLACK_BOT_TOKEN: 'xoxp-secret-user-token', PORT: 'eighty', SWITCHOVER_OPERATORS: 'alice' });
    const { code } = await bot.exited;
    expect(code).toBe(1);
    const stderr = bot.stderr();
    expect(stderr).toContain('Invalid configuration:');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'AWS_REGION', 'PORT', 'SWITCHOVER_OPERATORS']) {
      expect(stderr).toContain(`  - ${name} `);
    }
    expect(stderr).not.toContain('xoxp-secret-user-token');
    expect(bot.stdout()).toBe('');
  });
});

describe('documentation of the settings', () => {
  const root = join(__dirname, '..');
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const accepts = (name: string, value: string) => {
    try {
      loadConfig({ ...VALID, [name]: value });
      return true;
    } catch (error) {
      if (error instanceof ConfigError) return false;
      throw error;
    }
  };
  /** A number setting: some number passes, a huge one does not (SWITCHOVER_SIMULATE takes 0 and 1 as words). */
  const bounded = (name: string) => ['5', '60', '99'].some((v) => accepts(name, v)) && !accepts(name, '1000000000');

  /** The README's Settings table: each row's variables, meaning, range (`1-1440`) and default (`15`). */
  const rows = (() => {
    const readme = read('README.md');
    const start = readme.indexOf('\n## Settings\n');
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    return section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => {
        const [, names = '', meaning = '', fallback = ''] = line.split('|').map((cell) => cell.trim());
        const range = /(?<![\d.,])(\d[\d,]*(?:\.\d+)?)-(\d[\d,]*(?:\.\d+)?)(?![\d])/.exec(meaning);
        return {
          names: [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!),
          meaning,
          range: range ? ([range[1]!, range[2]!].map((n) => n.replace(/,/g, '')) as [string, string]) : undefined,
          fallback: /^`([^`]+)`$/.exec(fallback)?.[1],
        };
      });
  })();
  const row = (name: string) => rows.find((r) => r.names.includes(name));

  it('lists in the README table exactly the variables the bot reads, and those it no longer reads as such', () => {
    expect(SETTING_NAMES).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'SWITCHOVER_CHANNELS', 'LOG_LEVEL']));
    expect(rows.flatMap((r) => r.names).sort()).toEqual([...SETTING_NAMES, ...NO_LONGER_READ].sort());
    for (const name of NO_LONGER_READ) {
      expect(row(name)!.meaning).toContain('No longer read');
      expect(loadConfig({ ...VALID, [name]: '2' }).deprecated).toEqual([expect.stringMatching(new RegExp(`^${name} is no longer read`))]);
    }
  });

  it("states each number setting's range as the bot checks it", () => {
    const wrong: string[] = [];
    const step = (n: string) => (n.includes('.') ? 0.01 : 1);
    for (const name of SETTING_NAMES.filter(bounded)) {
      const range = row(name)?.range;
      if (!range) {
        wrong.push(`${name}: no range in the README`);
        continue;
      }
      const [min, max] = range;
      const outside = [Number(min) - step(min), Number(max) + step(max)].map((n) => String(Number(n.toFixed(4))));
      // A setting that takes fractions is also refused just past a whole-number bound.
      if (accepts(name, String(Number(min) + 0.5))) outside.push(String(Number(min) - 0.01), String(Number(max) + 0.01));
      for (const v of [min, max]) if (!accepts(name, v)) wrong.push(`${name}=${v} is refused, but the README's range is ${min}-${max}`);
      for (const v of outside) if (accepts(name, v)) wrong.push(`${name}=${v} is accepted, but the README's range is ${min}-${max}`);
    }
    expect(wrong).toEqual([]);
  });

  it('states the defaults the bot applies', () => {
    const withDefaults = rows.flatMap((r) => (r.fallback === undefined ? [] : r.names.map((name) => [name, r.fallback!] as const)));
    expect(withDefaults.length).toBeGreaterThan(10);
    for (const [name, fallback] of withDefaults) expect([name, loadConfig({ ...VALID, [name]: fallback })]).toEqual([name, loadConfig(VALID)]);
  });

  it('lists every variable in .env.example with the same ranges and defaults, and it loads once the Slack credentials are filled in', () => {
    const text = read('.env.example');
    const example = parse(text);
    expect(Object.keys(example).sort()).toEqual([...SETTING_NAMES].sort());
    const wrong: string[] = [];
    for (const name of SETTING_NAMES) {
      // The comment lines right above the variable.
      const lines = text.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      let first = at;
      while (first > 0 && lines[first - 1]!.startsWith('#')) first -= 1;
      const comment = lines.slice(first, at).join(' ').replace(/\s+#\s*/g, ' ');
      const { range, fallback } = row(name) ?? {};
      if (range && !comment.replace(/(\d),(\d)/g, '$1$2').includes(range.join('-'))) {
        wrong.push(`${name}: the comment does not give the range ${range.join('-')}`);
      }
      if (fallback !== undefined && example[name] !== '' && example[name] !== fallback) wrong.push(`${name}=${example[name]}, default ${fallback}`);
    }
    expect(wrong).toEqual([]);
    const config = loadConfig({ ...example, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' });
    expect(config.slack.mode).toBe('http');
  });

  it('names no variable the bot does not read, in the documents or in what it tells users', () => {
    const known = new Set([...SETTING_NAMES, ...NO_LONGER_READ]);
    const texts = [
      ...['README.md', '.env.example', 'manifest.yml', 'Dockerfile', 'docs/architecture.md'].map((file) => ({ file, pattern: /\b(?:SWITCHOVER|SLACK|QUICKCHART)_[A-Z0-9_]*[A-Z0-9]\b/g, text: read(file) })),
      // In the code, SLACK_ also starts constants' names; every SWITCHOVER_ name is a setting.
      ...filesUnder(join(root, 'src')).map((file) => ({ file, pattern: /\bSWITCHOVER_[A-Z0-9_]*[A-Z0-9]\b/g, text: readFileSync(file, 'utf8') })),
    ];
    const unknown = texts.flatMap(({ file, pattern, text }) => [...text.matchAll(pattern)].map((m) => m[0]).filter((name) => !known.has(name)).map((name) => `${file}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('reads the environment only through config.ts', () => {
    const readers = filesUnder(join(root, 'src')).filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')));
    expect(readers.sort()).toEqual([join(root, 'src', 'config.ts'), join(root, 'src', 'index.ts')]);
    expect(read('src/index.ts').match(/process\.env\b.*/g)).toEqual(['process.env);']);
  });
});
