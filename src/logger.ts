// Structured JSON logs (pino). Secrets never reach a log line: every line is scrubbed on its way to the
// destination, whoever wrote it (a log call, a child's bindings, Bolt, the Web API or Socket Mode client).
// Fields with a secret's name are redacted at any depth, and anything shaped like a Slack token, a `token=...`
// assignment or a value passed in `secrets` (the signing secret) is removed from every string. pino's own
// `redact` cannot do this alone: its paths are case-sensitive, match fixed depths and never look inside strings.
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
/** Field names that hold secrets, matched case-insensitively at any depth. */
const SECRET_KEY = /^(?:token|botToken|appToken|signingSecret|clientSecret|authorization|password)$/i;
const REDACTED = '[redacted]';

type Scrubber = (text: string) => string;

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrubText = stringScrubber(options.secrets ?? []);
  const destination = options.destination ?? pino.destination(1);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'switchover-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // An error is logged as its type, message, stack and code: what else it carries (a request, a response)
      // is not for the log.
      serializers: {
        err: (e: unknown) => (e instanceof Error ? { type: e.name, message: e.message, stack: e.stack, code: (e as { code?: unknown }).code } : e),
      },
    },
    { write: (line: string) => destination.write(scrubLine(line, scrubText)) },
  );
}

/** Removes Slack tokens, `token=...` assignments and the given secret values. */
function stringScrubber(secretValues: readonly (string | undefined)[]): Scrubber {
  const secrets = secretValues.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text.replace(SLACK_TOKEN, REDACTED).replace(SECRET_ASSIGNMENT, `$1$2${REDACTED}`);
    for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
    return out;
  };
}

/** One line as pino wrote it (a JSON object), scrubbed as data, so that the result is JSON still. */
function scrubLine(line: string, scrubText: Scrubber): string {
  try {
    return `${JSON.stringify(scrub(JSON.parse(line), scrubText))}\n`;
  } catch {
    return scrubText(line);
  }
}

function scrub(value: unknown, scrubText: Scrubber): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, scrubText));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // pino writes a Buffer as its bytes, one number each: its size says enough.
  if (record.type === 'Buffer' && Array.isArray(record.data)) return `<${record.data.length} bytes>`;
  return Object.fromEntries(Object.entries(record).map(([key, field]) => [key, SECRET_KEY.test(key) ? REDACTED : scrub(field, scrubText)]));
}
