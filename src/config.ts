// Start-up configuration from the environment (and `.env`, read by dotenv in index.ts): one zod schema whose
// parsed result is the Config. Every problem is collected, so one message names every missing or malformed variable.
import { z } from 'zod';
import { DEFAULT_SETTLE_MS } from './core/traffic';

const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const SLACK_USER_OR_GROUP_ID = /^[UWS][A-Z0-9]{2,}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A variable's value, trimmed; unset or blank is undefined. */
const text = z
  .string()
  .optional()
  .transform((raw) => raw?.trim() || undefined);

function idList(pattern: RegExp, what: string) {
  return text
    .transform((raw) => (raw ?? '').split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => pattern.test(id)), { message: `must be a comma-separated list of ${what}` });
}

/** A number from `min` to `max`, whole unless `decimals`; `fallback` when unset. */
function number<F extends number | undefined>(min: number, max: number, fallback: F, decimals = false) {
  const shape = decimals ? /^\d+(\.\d+)?$/ : /^\d+$/;
  return text
    .refine((raw) => raw === undefined || (shape.test(raw) && Number(raw) >= min && Number(raw) <= max), {
      message: `must be ${decimals ? 'a number' : 'a whole number'} from ${min} to ${max}`,
    })
    .transform((raw) => (raw === undefined ? fallback : Number(raw)));
}

const bool = text
  .refine((raw) => raw === undefined || /^(true|false|1|0|yes|no)$/i.test(raw), { message: 'must be true or false' })
  .transform((raw) => raw !== undefined && /^(true|1|yes)$/i.test(raw));

const url = text.refine((raw) => raw === undefined || /^https?:\/\/[^\s]+$/.test(raw), { message: 'must be an http(s) URL' });

const settings = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required (the Bot User OAuth Token, xoxb-...)' })
    .trim()
    .min(1, 'is required (the Bot User OAuth Token, xoxb-...)')
    .refine((t) => t.startsWith('xoxb-'), { message: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: text,
  SLACK_APP_TOKEN: text.refine((t) => t === undefined || t.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_API_URL: url,
  PORT: number(1, 65535, 3000),
  SWITCHOVER_HEALTH_PORT: number(1, 65535, undefined),
  AWS_REGION: text,
  SWITCHOVER_CHANNELS: idList(SLACK_CHANNEL_ID, 'Slack channel IDs (C0123ABCD)'),
  SWITCHOVER_OPERATORS: idList(SLACK_USER_OR_GROUP_ID, 'Slack user IDs (U...) or user group IDs (S...)'),
  SWITCHOVER_APPROVERS: idList(SLACK_USER_OR_GROUP_ID, 'Slack user IDs (U...) or user group IDs (S...)'),
  SWITCHOVER_APPROVAL_TTL_MINUTES: number(1, 1440, 15),
  SWITCHOVER_DATA_DIR: text.transform((dir) => dir ?? './data'),
  SWITCHOVER_STAGES_FILE: text,
  SWITCHOVER_SIMULATE: bool,
  QUICKCHART_URL: url,
  SWITCHOVER_PREP_TIMEOUT_MINUTES: number(1, 120, 15),
  SWITCHOVER_WATCH_MINUTES: number(5, 1440, 60),
  SWITCHOVER_GUARD_5XX_POINTS: number(0, 100, 1, true),
  SWITCHOVER_GUARD_P99_FACTOR: number(1, 100, 2, true),
  SWITCHOVER_BREACH_CONFIDENCE: number(80, 99.99, 99, true),
  SWITCHOVER_HEALTHY_CONFIDENCE: number(80, 99.99, 95, true),
  SWITCHOVER_MIN_REQUESTS_PER_MINUTE: number(1, 1_000_000, 20),
  SWITCHOVER_COMPLETE_MINUTES: number(1, 60, 5),
  SWITCHOVER_SETTLE_SECONDS: number(0, 600, DEFAULT_SETTLE_MS / 1000),
  SWITCHOVER_AWS_MAX_ATTEMPTS: number(1, 20, 5),
  LOG_LEVEL: text
    .transform((raw) => raw?.toLowerCase() ?? 'info')
    .refine((l) => LOG_LEVELS.includes(l), { message: `must be one of ${LOG_LEVELS.join(', ')}` }),
});

const schema = settings.transform((v) => ({
  slack: {
    botToken: v.SLACK_BOT_TOKEN,
    signingSecret: v.SLACK_SIGNING_SECRET,
    appToken: v.SLACK_APP_TOKEN,
    apiUrl: v.SLACK_API_URL,
    /** Socket Mode when an app-level token is set, HTTP otherwise. */
    mode: v.SLACK_APP_TOKEN ? ('socket' as const) : ('http' as const),
    port: v.PORT,
    /** Socket Mode: where GET /healthz is answered (unset: nowhere). HTTP mode answers it on `port`. */
    healthPort: v.SWITCHOVER_HEALTH_PORT,
  },
  aws: { region: v.AWS_REGION, maxAttempts: v.SWITCHOVER_AWS_MAX_ATTEMPTS },
  access: { channels: v.SWITCHOVER_CHANNELS, operators: v.SWITCHOVER_OPERATORS, approvers: v.SWITCHOVER_APPROVERS },
  approvalTtlMinutes: v.SWITCHOVER_APPROVAL_TTL_MINUTES,
  dataDir: v.SWITCHOVER_DATA_DIR,
  stagesFile: v.SWITCHOVER_STAGES_FILE,
  simulate: v.SWITCHOVER_SIMULATE,
  /** A QuickChart server to draw charts; unset: drawn in this process, and no metric leaves the network. */
  quickchartUrl: v.QUICKCHART_URL,
  prepTimeoutMinutes: v.SWITCHOVER_PREP_TIMEOUT_MINUTES,
  /** How long after a minute ends its CloudWatch datapoints are read, by status and the watch alike (ms). */
  settleMs: v.SWITCHOVER_SETTLE_SECONDS * 1000,
  /** The watch and the judge (core/judge/settings.ts says what each means); minRequestsPerMinute serves status too. */
  watch: {
    minutes: v.SWITCHOVER_WATCH_MINUTES,
    errorRatePoints: v.SWITCHOVER_GUARD_5XX_POINTS,
    p99Factor: v.SWITCHOVER_GUARD_P99_FACTOR,
    breachConfidence: v.SWITCHOVER_BREACH_CONFIDENCE,
    healthyConfidence: v.SWITCHOVER_HEALTHY_CONFIDENCE,
    minRequestsPerMinute: v.SWITCHOVER_MIN_REQUESTS_PER_MINUTE,
    completeMinutes: v.SWITCHOVER_COMPLETE_MINUTES,
  },
  logLevel: v.LOG_LEVEL,
}));

export type Config = z.output<typeof schema> & {
  /** Settings that are set but no longer read, each with what replaced it: logged once at start-up. */
  deprecated: string[];
};

/** Every variable the bot reads: the README's Settings table and .env.example explain exactly these. */
export const SETTING_NAMES: readonly string[] = Object.keys(settings.shape);

/**
 * The guardrails used to fire on N consecutive minutes over a fixed limit; the judge's statistical
 * verdicts (SWITCHOVER_BREACH_CONFIDENCE, SWITCHOVER_HEALTHY_CONFIDENCE) replaced those counts. Setting
 * them is not an error (an old .env keeps working) but is said at start-up.
 */
const DEPRECATED: Array<[name: string, notice: string]> = [
  [
    'SWITCHOVER_GUARD_5XX_MINUTES',
    'SWITCHOVER_GUARD_5XX_MINUTES is no longer read: a 5xx breach is now called on the shortest window that shows it at SWITCHOVER_BREACH_CONFIDENCE',
  ],
  [
    'SWITCHOVER_GUARD_P99_MINUTES',
    'SWITCHOVER_GUARD_P99_MINUTES is no longer read: a p99 breach is now called by a rank test over the minutes at SWITCHOVER_BREACH_CONFIDENCE',
  ],
];

/** Variables still accepted but no longer read (the README's table says so). */
export const NO_LONGER_READ: readonly string[] = DEPRECATED.map(([name]) => name);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`);
  // Cross-variable rules are checked on the raw values, so they are reported alongside schema problems.
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!/^(true|1|yes)$/i.test((env.SWITCHOVER_SIMULATE ?? '').trim()) && !set('AWS_REGION')) {
    problems.push('AWS_REGION is required (or set SWITCHOVER_SIMULATE=true to rehearse without AWS)');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return { ...parsed.data, deprecated: DEPRECATED.filter(([name]) => set(name)).map(([, notice]) => notice) };
}
