// Request IDs travel in button values: short, but not guessable from one another.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/** `r-` and 10 random base36 characters (about 51 bits). */
export function newRequestId(): string {
  let id = '';
  while (id.length < LENGTH) {
    for (const byte of randomBytes(16)) {
      // 252 is the largest multiple of 36 that fits a byte: rejecting above it keeps characters uniform.
      if (byte < 252 && id.length < LENGTH) id += ALPHABET[byte % 36];
    }
  }
  return `r-${id}`;
}

export const REQUEST_ID_PATTERN = /^r-[0-9a-z]{10}$/;

/** Whether a value (a button's value, a dialog's metadata, a journal field) is a request ID of this bot. */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
