// Numbers as the verdicts say them: "9 of 1,000 (0.9 %)", "1 point", "10:03-10:05 UTC".
import { hhmm } from '../format';
import type { Counts, Window } from './verdict';

/** A count with thousands separators: 99,000. */
export function countText(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * A rate 0..1 as a percent: two decimals under 1 %, one above ("0.05 %", "0.9 %", "20.2 %"); a rate that is
 * not 0 is never said as "0 %" (1 of 30,000 is "0.003 %").
 */
export function percentText(rate: number): string {
  const pct = rate * 100;
  const rounded = Number(pct.toFixed(pct < 1 ? 2 : 1));
  return `${rounded === 0 && pct > 0 ? Number(pct.toPrecision(1)) : rounded} %`;
}

/** "9 of 1,000 (0.9 %)". */
export function countsText(c: Counts): string {
  return `${countText(c.events)} of ${countText(c.requests)}${c.requests > 0 ? ` (${percentText(c.events / c.requests)})` : ''}`;
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
