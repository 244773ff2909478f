// Numbers as the verdicts say them: "9 of 1,000 (0.9%)", "1 point", "10:03-10:05 UTC".
import { hhmm, percentText } from '../format';
import type { Counts, Window } from './verdict';

/** A count with thousands separators: 99,000. */
export function countText(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** "9 of 1,000 (0.9%)". */
export function countsText(c: Counts): string {
  return `${countText(c.events)} of ${countText(c.requests)}${c.requests > 0 ? ` (${percentText((100 * c.events) / c.requests)})` : ''}`;
}

/** Percentage points: "1 point", "0.5 points". */
export function pointsText(points: number): string {
  const p = Number(points.toFixed(2));
  return `${p} point${p === 1 ? '' : 's'}`;
}

export function windowText(w: Window): string {
  return w.minutes === 1 ? `in ${hhmm(w.start)}-${hhmm(w.end)} UTC` : `over ${w.minutes} minutes, ${hhmm(w.start)}-${hhmm(w.end)} UTC`;
}

export function minutesText(minutes: number): string {
  return `${countText(minutes)} minute${minutes === 1 ? '' : 's'}`;
}

/** The healthy verdict's second look: "over the window and over its last minute" / "... its last 5 minutes". */
export function newerHalfText(windowMinutes: number, newerMinutes: number): string {
  if (newerMinutes >= windowMinutes) return '';
  return `over the window and over its last ${newerMinutes === 1 ? 'minute' : minutesText(newerMinutes)}`;
}
