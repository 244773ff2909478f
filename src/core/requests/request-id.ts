// Request IDs travel in button values: short, but not guessable from one another.
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export const REQUEST_ID_PATTERN = /^r-[0-9a-z]{10}$/;

/** `r-` and 10 random base36 characters (about 51 bits; randomInt is uniform, without modulo bias). */
export function newRequestId(): string {
  return `r-${Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;
}

/** Whether a value (a button's value, a dialog's metadata, a journal field) is a request ID of this bot. */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
