// Small text helpers shared by the core, the Block Kit builders and the Slack services: times in UTC,
// errors in words, Slack mentions. Pure; no Slack or AWS imports.

/** E.g. "2026-01-01 12:03 UTC". */
export function formatTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "HH:MM" in UTC (without the zone: callers add " UTC" where the sentence needs it). */
export function hhmm(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 16);
}

/**
 * A percent (0..100) as every message says it: two decimals under 1%, one above ("0.05%", "0.9%",
 * "20.2%"); one that is not 0 is never said as "0%" (1 of 30,000 is "0.003%").
 */
export function percentText(pct: number): string {
  const rounded = Number(pct.toFixed(pct < 1 ? 2 : 1));
  return `${rounded === 0 && pct > 0 ? Number(pct.toPrecision(1)) : rounded}%`;
}

/** A duration in seconds as whole milliseconds, e.g. "35 ms". */
export function msText(seconds: number): string {
  return `${Math.round(seconds * 1000)} ms`;
}

/**
 * What users see instead of a JavaScript runtime error ("x.startsWith is not a function", "Invalid time
 * value"): such a text says nothing about what failed or what to do; the log has the error itself.
 */
export const INTERNAL_ERROR_TEXT = 'an internal error of switchover-bot (its log has the details)';

/** A fault of the bot's own code rather than of AWS, Slack or the disk. */
export function isProgrammingError(error: unknown): boolean {
  // Node's fetch reports a network failure as a TypeError "fetch failed": that one is the network's.
  if (error instanceof TypeError && error.message.startsWith('fetch failed')) return false;
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError ||
    error instanceof EvalError ||
    error instanceof URIError
  );
}

/** An error's message, or its name when the message is empty; never a raw JavaScript runtime error. */
export function errorMessage(error: unknown): string {
  if (isProgrammingError(error)) return INTERNAL_ERROR_TEXT;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** An error's message as is (empty when it has none); anything else as a string; never a raw runtime error. */
export function plainMessage(error: unknown): string {
  if (isProgrammingError(error)) return INTERNAL_ERROR_TEXT;
  return error instanceof Error ? error.message : String(error);
}

/** The text with its first letter in upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `<@U123>` for a user (U/W...), `<!subteam^S123>` for a user group (S...). */
export function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}
