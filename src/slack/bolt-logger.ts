// Bolt and the Web API client log through this adapter, so their lines are JSON like ours and go
// through the same scrubbing (see src/logger.ts).
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger';

/** pino's level among Bolt's four (error, warn, info, debug, which pino names alike). */
function boltLevel(level: string): LogLevel {
  if (level === 'fatal' || level === 'silent') return LogLevel.ERROR;
  return level === 'trace' ? LogLevel.DEBUG : (level as LogLevel);
}

/**
 * `withDebug: false` drops the component's debug lines at any LOG_LEVEL: the Socket Mode client writes whole
 * envelopes (request bodies, with what users typed) at debug. `errorsAsWarnings` writes its error lines at warn,
 * for a component whose caller logs the verdict itself (the Socket Mode client's on every dropped link).
 */
export function boltLogger(parent: Logger, component = 'bolt', { withDebug = true, errorsAsWarnings = false } = {}): BoltLogger {
  const log = parent.child({ component });
  const line = (msg: unknown[]) =>
    msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : safeJson(m))).join(' ');
  return {
    // The Web API client logs several debug lines per call; build them only when they would be written.
    debug: (...msg: unknown[]) => {
      if (withDebug && log.isLevelEnabled('debug')) log.debug(line(msg));
    },
    info: (...msg: unknown[]) => {
      if (log.isLevelEnabled('info')) log.info(line(msg));
    },
    warn: (...msg: unknown[]) => log.warn(line(msg)),
    error: (...msg: unknown[]) => {
      const error = msg.find((m): m is Error => m instanceof Error);
      const write = errorsAsWarnings ? log.warn.bind(log) : log.error.bind(log);
      if (error) write({ err: error }, line(msg));
      else write(line(msg));
    },
    // Our level is set once from LOG_LEVEL; Bolt may only raise it, never make us chattier.
    setLevel: (level: LogLevel) => {
      if (log.levels.values[level]! > log.levelVal) log.level = level;
    },
    getLevel: () => boltLevel(log.level),
    setName: (name: string) => {
      log.setBindings({ component: name });
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
