// Structured JSON logs (pino). Secrets never reach a log line: known secret fields are redacted by
// path, and every string logged is scrubbed of anything shaped like a Slack token or a value passed
// in `secrets` (the signing secret), wherever it appears.
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Exact secret values to scrub wherever they appear (e.g. the signing secret). */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
}

const SLACK_TOKEN = /\b(?:xox[abepors]|xapp)-[A-Za-z0-9-]+/g;
/** `token=...` / `"token":"..."` inside raw bodies or serialized JSON (Slack's verification token). */
const SECRET_ASSIGNMENT = /\b(token|signing_secret|client_secret)("?\s*[:=]\s*"?)[^"&\s,}]+/gi;
const REDACTED = '[redacted]';

/** Field names that hold secrets, at any of the first few levels of a logged object. */
const SECRET_KEYS = ['token', 'botToken', 'appToken', 'signingSecret', 'clientSecret', 'authorization', 'password'];
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrubString = (text: string) => {
    let out = text.replace(SLACK_TOKEN, REDACTED).replace(SECRET_ASSIGNMENT, `$1$2${REDACTED}`);
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'switchover-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Errors arrive already turned into scrubbed plain objects (see scrub); keep their own type.
      serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => scrub(arg, scrubString, 0)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    options.destination,
  );
}

/** A copy of `value` with every string scrubbed; errors become plain objects so their text is scrubbed too. */
function scrub(value: unknown, scrubString: (s: string) => string, depth: number): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const error: Record<string, unknown> = { type: value.name, message: scrubString(value.message) };
    if (value.stack) error.stack = scrubString(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) error.code = code;
    return error;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, scrubString, depth + 1));
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrub(v, scrubString, depth + 1);
  return out;
}
