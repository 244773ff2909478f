// Structured JSON logs (pino). Secrets never reach a log line: every log argument and every child
// binding goes through one scrubbing pass that redacts known secret field names and removes anything
// shaped like a Slack token or a value passed in `secrets` (the signing secret) from every string.
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
// Non-global twins for the "anything to do?" check: `test` on a /g regex is stateful (lastIndex).
const HAS_SLACK_TOKEN = new RegExp(SLACK_TOKEN.source);
const HAS_SECRET_ASSIGNMENT = new RegExp(SECRET_ASSIGNMENT.source, 'i');
const REDACTED = '[redacted]';

/** Field names that hold secrets, matched case-insensitively at any depth scrub looks at. */
const SECRET_KEYS = ['token', 'botToken', 'appToken', 'signingSecret', 'clientSecret', 'authorization', 'password'];
// A regex rather than a Set of lower-cased names: matching it allocates nothing per key.
const SECRET_KEY = new RegExp(`^(?:${SECRET_KEYS.join('|')})$`, 'i');
/** Deeper than this, values are logged as they are (this is also what stops cycles). */
const MAX_DEPTH = 6;

export type Scrubber = (text: string) => string;

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrubString = stringScrubber(options.secrets ?? []);
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { app: 'switchover-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors arrive already turned into scrubbed plain objects (see scrub); keep their own type.
      serializers: { err: (e: unknown) => (e instanceof Error ? pino.stdSerializers.err(e) : e) },
      hooks: {
        logMethod(args, method) {
          return method.apply(this, scrubArgs(args, scrubString));
        },
      },
    },
    options.destination,
  );
  // Child bindings must be scrubbed too, but pino 10 only calls `formatters.bindings` for the root
  // logger's `base`: `child()` swaps it for the identity function before serializing the bindings.
  // So scrub them on the way in. Children are created with Object.create(parent), so every
  // descendant inherits these two wrappers; bindings are serialized once, at child creation.
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrub(bindings, scrubString) as typeof bindings, childOptions);
  } as Logger['child'];
  logger.setBindings = function scrubbedSetBindings(this: Logger, bindings) {
    setBindings.call(this, scrub(bindings, scrubString) as typeof bindings);
  };
  return logger;
}

/** Removes Slack tokens, `token=...` assignments and the given secret values; unchanged text is returned as is. */
export function stringScrubber(secretValues: readonly (string | undefined)[]): Scrubber {
  const secrets = secretValues.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => {
    let out = text;
    if (HAS_SLACK_TOKEN.test(out)) out = out.replace(SLACK_TOKEN, REDACTED);
    if (HAS_SECRET_ASSIGNMENT.test(out)) out = out.replace(SECRET_ASSIGNMENT, `$1$2${REDACTED}`);
    for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out;
  };
}

/** The log method's arguments, scrubbed; the same array when none of them needed a change. */
function scrubArgs<T extends unknown[]>(args: T, scrubString: Scrubber): T {
  let out: T | undefined;
  for (let i = 0; i < args.length; i++) {
    const value = scrub(args[i], scrubString);
    if (value !== args[i]) {
      out ??= args.slice() as T;
      out[i] = value;
    }
  }
  return out ?? args;
}

/**
 * `value` with secret fields redacted and every string scrubbed, copy-on-write: whatever needs no
 * change is returned as the very same value, and only the objects on the way to a change are copied.
 * Errors always become plain objects (`type`, `message`, `stack`, `code`) so their text is scrubbed.
 */
export function scrub(value: unknown, scrubString: Scrubber, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const error: Record<string, unknown> = { type: value.name, message: scrubString(value.message) };
    if (value.stack) error.stack = scrubString(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) error.code = code;
    return error;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const scrubbed = scrub(item, scrubString, depth + 1);
      if (scrubbed !== item) {
        out ??= value.slice();
        out[i] = scrubbed;
      }
    }
    return out ?? value;
  }
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  // Whatever defines toJSON (URL, Date, class instances) is logged as what toJSON returns, which
  // the walk over own fields below would not see; scrub that instead (one level deeper, so a toJSON
  // that builds another such object cannot recurse for ever).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value);
    if (json !== value) {
      const scrubbed = scrub(json, scrubString, depth + 1);
      return scrubbed === json ? value : scrubbed;
    }
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  // for-in over own keys rather than Object.keys: no key array allocated per object.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const field = record[key];
    const scrubbed = SECRET_KEY.test(key) && field !== undefined ? REDACTED : scrub(field, scrubString, depth + 1);
    if (scrubbed !== field) {
      out ??= { ...record };
      out[key] = scrubbed;
    }
  }
  return out ?? value;
}
