// Start-up configuration from the environment (and `.env`, read by dotenv in index.ts).
// Every problem is collected, so one message names every missing or malformed variable.
import { z } from 'zod';
import type { WatchSettings } from './core/judge';
import { DEFAULT_SETTLE_MS } from './core/traffic';

const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const SLACK_USER_OR_GROUP_ID = /^[UWS][A-Z0-9]{2,}$/;

function idList(pattern: RegExp, what: string) {
  return z
    .string()
    .optional()
    .transform((raw) => (raw ?? '').split(/[\s,]+/).filter(Boolean))
    .refine((ids) => ids.every((id) => pattern.test(id)), {
      message: `must be a comma-separated list of ${what}`,
    });
}

function int(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? String(fallback) : raw.trim()))
    .refine((raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max, {
      message: `must be a whole number from ${min} to ${max}`,
    })
    .transform(Number);
}

function decimal(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? String(fallback) : raw.trim()))
    .refine((raw) => /^\d+(\.\d+)?$/.test(raw) && Number(raw) >= min && Number(raw) <= max, {
      message: `must be a number from ${min} to ${max}`,
    })
    .transform(Number);
}

const bool = z
  .string()
  .optional()
  .refine((raw) => raw === undefined || /^(true|false|1|0|yes|no|)$/i.test(raw.trim()), {
    message: 'must be true or false',
  })
  .transform((raw) => raw !== undefined && /^(true|1|yes)$/i.test(raw.trim()));

const url = (fallback?: string) =>
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? fallback : raw.trim()))
    .refine((raw) => raw === undefined || /^https?:\/\/[^\s]+$/.test(raw), { message: 'must be an http(s) URL' });

const optionalText = z
  .string()
  .optional()
  .transform((raw) => (raw === undefined || raw.trim() === '' ? undefined : raw.trim()));

const schema = z.object({
  SLACK_BOT_TOKEN: z
    .string({ error: 'is required (the Bot User OAuth Token, xoxb-...)' })
    .trim()
    .min(1, 'is required (the Bot User OAuth Token, xoxb-...)')
    .refine((t) => t.startsWith('xoxb-'), { message: 'must be a bot token starting with xoxb-' }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((t) => t === undefined || t.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp-',
  }),
  SLACK_API_URL: url(),
  PORT: int(1, 65535, 3000),
  SWITCHOVER_HEALTH_PORT: optionalText
    .refine((raw) => raw === undefined || (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 65535), {
      message: 'must be a whole number from 1 to 65535',
    })
    .transform((raw) => (raw === undefined ? undefined : Number(raw))),
  AWS_REGION: optionalText,
  SWITCHOVER_CHANNELS: idList(SLACK_CHANNEL_ID, 'Slack channel IDs (C0123ABCD)'),
  SWITCHOVER_OPERATORS: idList(SLACK_USER_OR_GROUP_ID, 'Slack user IDs (U...) or user group IDs (S...)'),
  SWITCHOVER_APPROVERS: idList(SLACK_USER_OR_GROUP_ID, 'Slack user IDs (U...) or user group IDs (S...)'),
  SWITCHOVER_APPROVAL_TTL_MINUTES: int(1, 1440, 15),
  SWITCHOVER_DATA_DIR: optionalText.transform((dir) => dir ?? './data'),
  SWITCHOVER_STAGES_FILE: optionalText,
  SWITCHOVER_SIMULATE: bool,
  QUICKCHART_URL: url(),
  SWITCHOVER_PREP_TIMEOUT_MINUTES: int(1, 120, 15),
  SWITCHOVER_WATCH_MINUTES: int(5, 1440, 60),
  SWITCHOVER_GUARD_5XX_POINTS: decimal(0, 100, 1),
  SWITCHOVER_GUARD_P99_FACTOR: decimal(1, 100, 2),
  SWITCHOVER_BREACH_CONFIDENCE: decimal(80, 99.99, 99),
  SWITCHOVER_HEALTHY_CONFIDENCE: decimal(80, 99.99, 95),
  SWITCHOVER_MIN_REQUESTS_PER_MINUTE: int(1, 1_000_000, 20),
  SWITCHOVER_COMPLETE_MINUTES: int(1, 60, 5),
  SWITCHOVER_SETTLE_SECONDS: int(0, 600, DEFAULT_SETTLE_MS / 1000),
  SWITCHOVER_AWS_MAX_ATTEMPTS: int(1, 20, 5),
  LOG_LEVEL: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw.trim() === '' ? 'info' : raw.trim().toLowerCase()))
    .refine((l) => ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(l), {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
});

/** Every variable the bot reads: the README's Settings table and .env.example explain exactly these. */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    /** Socket Mode when an app-level token is set, HTTP otherwise. */
    mode: 'socket' | 'http';
    port: number;
    /** Socket Mode: where GET /healthz is answered (unset: nowhere). HTTP mode answers it on `port`. */
    healthPort?: number;
  };
  aws: { region?: string; maxAttempts: number };
  access: {
    channels: string[];
    operators: string[];
    approvers: string[];
  };
  approvalTtlMinutes: number;
  dataDir: string;
  stagesFile?: string;
  simulate: boolean;
  /** A QuickChart server to draw charts; unset: drawn in this process, and no metric leaves the network. */
  quickchartUrl?: string;
  prepTimeoutMinutes: number;
  /** How long after a minute ends its CloudWatch datapoints are read, by status and the watch alike (ms). */
  settleMs: number;
  /** The watch and the judge (core/judge/settings.ts says what each means); minRequestsPerMinute serves status too. */
  watch: WatchSettings & { minRequestsPerMinute: number };
  logLevel: string;
  /** Settings that are set but no longer read, each with what replaced it: logged once at start-up. */
  deprecated: string[];
}

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
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      problems.push(`${name} ${issue.message}`);
    }
  }
  // Cross-variable rules are checked on the raw values, so they are reported alongside schema problems.
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!set('SLACK_APP_TOKEN') && !set('SLACK_SIGNING_SECRET')) {
    problems.push('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!/^(true|1|yes)$/i.test((env.SWITCHOVER_SIMULATE ?? '').trim()) && !set('AWS_REGION')) {
    problems.push('AWS_REGION is required (or set SWITCHOVER_SIMULATE=true to rehearse without AWS)');
  }
  const v = parsed.success ? parsed.data : undefined;
  if (problems.length > 0 || !v) throw new ConfigError(problems);
  return {
    slack: {
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET,
      appToken: v.SLACK_APP_TOKEN,
      apiUrl: v.SLACK_API_URL,
      mode: v.SLACK_APP_TOKEN ? 'socket' : 'http',
      port: v.PORT,
      healthPort: v.SWITCHOVER_HEALTH_PORT,
    },
    aws: { region: v.AWS_REGION, maxAttempts: v.SWITCHOVER_AWS_MAX_ATTEMPTS },
    access: {
      channels: v.SWITCHOVER_CHANNELS,
      operators: v.SWITCHOVER_OPERATORS,
      approvers: v.SWITCHOVER_APPROVERS,
    },
    approvalTtlMinutes: v.SWITCHOVER_APPROVAL_TTL_MINUTES,
    dataDir: v.SWITCHOVER_DATA_DIR,
    stagesFile: v.SWITCHOVER_STAGES_FILE,
    simulate: v.SWITCHOVER_SIMULATE,
    quickchartUrl: v.QUICKCHART_URL,
    prepTimeoutMinutes: v.SWITCHOVER_PREP_TIMEOUT_MINUTES,
    settleMs: v.SWITCHOVER_SETTLE_SECONDS * 1000,
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
    deprecated: DEPRECATED.filter(([name]) => set(name)).map(([, notice]) => notice),
  };
}
