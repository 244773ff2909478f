// Prep's two messages: the progress message (updated in place, one line per step) and the summary (verdict,
// reasons, warnings, health, ECS counts, weights, baseline, and buttons to request a shift). Pure data.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import { hhmm, mention, msText, percentText } from '../core/format';
import type { Baseline } from '../core/journal';
import type { PrepCompleted, PrepFailed, PrepStep, PrepStepStatus } from '../core/prep';
import type { EcsServiceCounts } from '../core/types';
import { describeHealth } from '../core/health';
import { describeWeights } from '../core/weights';
import { type Block, button, clipText, context, parseButtonValue, escapeMrkdwn, FIELD_TEXT_MAX, header, section, SECTION_TEXT_MAX, type SlackMessage } from './common';

/** Buttons of the summary: action_id is this prefix plus the percent (Slack wants unique ids per block). */
export const SHIFT_ACTION_PREFIX = 'switchover_request_shift_';
/** Matches every shift button's action_id, for registering one action handler. */
export const SHIFT_ACTION_PATTERN = /^switchover_request_shift_(\d{1,3})$/;
export const PREP_SHIFT_PERCENTS = [10, 50, 100] as const;

const ShiftButtonValueSchema = z.object({ stage: z.string().regex(/^[A-Za-z0-9-]{1,15}$/), percent: z.number().int().min(1).max(100) });
export type ShiftButtonValue = z.infer<typeof ShiftButtonValueSchema>;

export function shiftActionId(percent: number): string {
  return `${SHIFT_ACTION_PREFIX}${percent}`;
}

/** Reads a shift button's value back; undefined when it is not what the summary wrote. */
export function parseShiftButtonValue(value: string | undefined): ShiftButtonValue | undefined {
  return parseButtonValue(ShiftButtonValueSchema, value);
}

/** "• a\n• b", as many lines as fit within `max`, then "…and N more". */
function bullets(lines: readonly string[], max = SECTION_TEXT_MAX - 100): string {
  const out: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = `• ${clipText(escapeMrkdwn(lines[i]!), 500)}`;
    const rest = lines.length - i;
    if (used + line.length + 30 > max) {
      out.push(`…and ${rest} more`);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

/** "45s", "2m 05s", "1h 02m". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const STATUS_EMOJI: Record<PrepStepStatus, string> = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  failed: ':x:',
  skipped: ':heavy_minus_sign:',
};

function stepLine(step: PrepStep, now: number): string {
  let took = '';
  if (step.startedAt !== undefined && step.status !== 'pending' && step.status !== 'skipped') {
    took = ` _(${formatDuration((step.endedAt ?? now) - step.startedAt)})_`;
  }
  const detail = step.detail ? ` — ${clipText(escapeMrkdwn(step.detail), 300)}` : '';
  return `${STATUS_EMOJI[step.status]} *${step.label}*${detail}${took}`;
}

/** The progress message, redrawn from every PrepProgress report. */
export function prepProgressMessage(stage: string, steps: readonly PrepStep[], startedAt: number, now: number): SlackMessage {
  const finished = steps.every((s) => s.status === 'done' || s.status === 'failed' || s.status === 'skipped');
  const failed = steps.some((s) => s.status === 'failed');
  const state = finished ? (failed ? 'finished with problems' : 'finished') : 'running';
  const title = `Prep \`${stage}\` ${state} · ${formatDuration(now - startedAt)} elapsed`;
  const current = steps.find((s) => s.status === 'running');
  return {
    text: clipText(`Prep ${stage} ${state}${current ? `: ${current.label}${current.detail ? ` (${current.detail})` : ''}` : ''}`, SECTION_TEXT_MAX),
    blocks: [
      section(`*${title}*`),
      section(steps.map((s) => stepLine(s, now)).join('\n')),
      context(`Started ${hhmm(startedAt)} UTC`),
    ],
  };
}

function ecsLine(service: EcsServiceCounts): string {
  const parts = [`${service.desired} desired / ${service.running} running`];
  if (service.pending > 0) parts.push(`${service.pending} pending`);
  if (service.status !== 'ACTIVE') parts.push(service.status);
  return parts.join(', ');
}

function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function seconds(value: number | null): string {
  if (value === null) return 'n/a';
  return value < 1 ? msText(value) : `${(Math.round(value * 100) / 100).toFixed(2)} s`;
}

/** The baseline as a compact monospace table. */
export function baselineTable(baseline: Baseline): string {
  const rows: [string, string][] = [
    ['requests/min', number(baseline.requestsPerMinute)],
    ['2XX', number(baseline.http2xx)],
    ['3XX', number(baseline.http3xx)],
    ['4XX', number(baseline.http4xx)],
    ['5XX', number(baseline.http5xx)],
    ['5xx rate', baseline.errorRate5xx === null ? 'n/a' : percentText(baseline.errorRate5xx * 100)],
    ['latency avg', seconds(baseline.latencyAvg)],
    ['latency p99', seconds(baseline.latencyP99)],
    ['active conn/min', baseline.activeConnections === null ? 'n/a' : number(baseline.activeConnections)],
    ['new conn/min', baseline.newConnections === null ? 'n/a' : number(baseline.newConnections)],
  ];
  const width = Math.max(...rows.map(([, v]) => v.length));
  return '```\n' + rows.map(([k, v]) => `${k.padEnd(16)}${v.padStart(width)}`).join('\n') + '\n```';
}

function shiftButtons(stage: string): types.ActionsBlock {
  const shift = (percent: number, text: string, style?: 'primary') =>
    button(text, shiftActionId(percent), JSON.stringify({ stage, percent } satisfies ShiftButtonValue), style);
  return {
    type: 'actions',
    block_id: `prep_shift_${stage}`,
    elements: [shift(10, 'Request 10% shift'), shift(50, 'Request 50% shift'), shift(100, 'Request full switchover (100%)', 'primary')],
  };
}

function completedMessage(outcome: PrepCompleted, chartsNote?: string): SlackMessage {
  const ready = outcome.verdict === 'ready';
  const blocks: Block[] = [
    header(ready ? `:white_check_mark: ${outcome.stage}: READY for switchover` : `:no_entry: ${outcome.stage}: BLOCKED`),
    context(`Prep by ${mention(outcome.user)} · finished ${hhmm(outcome.finishedAt)} UTC · took ${formatDuration(outcome.finishedAt - outcome.startedAt)}`),
  ];
  if (!ready) blocks.push(section(`*Blocked because:*\n${bullets(outcome.reasons)}`));
  if (outcome.warnings.length > 0) blocks.push(section(`*Warnings:*\n${bullets(outcome.warnings)}`));

  const { resources } = outcome;
  const scaled = outcome.scaled ? ` (scaled from ${outcome.scaled.from})` : '';
  const stickiness = outcome.stickiness.enabled
    ? `on${outcome.stickiness.durationSeconds ? ` (${outcome.stickiness.durationSeconds} s)` : ''}: pins clients`
    : 'off';
  const fields: [string, string][] = [
    [`Source proxy group`, `\`${resources.sourceProxyTargetGroup.name}\`\n${describeHealth(outcome.sourceHealth)}`],
    [`Target proxy group`, `\`${resources.targetProxyTargetGroup.name}\`\n${describeHealth(outcome.targetHealth)}`],
    [`Capture proxy (ECS)`, ecsLine(outcome.captureProxy)],
    [`Target proxy (ECS)`, `${ecsLine(outcome.targetProxy)}${scaled}`],
    [`Weights now`, describeWeights(outcome.weights)],
    [`Stickiness`, stickiness],
  ];
  blocks.push({
    type: 'section',
    fields: fields.map(([title, body]) => ({ type: 'mrkdwn', text: clipText(`*${title}*\n${body}`, FIELD_TEXT_MAX) })),
  });

  if (outcome.baseline) {
    const b = outcome.baseline;
    const minutes = Math.round((b.end - b.start) / 60_000);
    blocks.push(
      section(
        `*Baseline* (source proxy, ${hhmm(b.start)}–${hhmm(b.end)} UTC, ${b.minutesWithTraffic} of ${minutes} min with traffic)\n${baselineTable(b)}`,
      ),
    );
  } else {
    blocks.push(section('*Baseline:* none (see the warnings); a shift can still be judged side by side against the source proxy.'));
  }
  if (outcome.connectionReuse) {
    blocks.push(section(`*Connection reuse (${outcome.connectionReuse.reading}):* ${escapeMrkdwn(outcome.connectionReuse.text)}`));
  }
  if (chartsNote) blocks.push(context(escapeMrkdwn(chartsNote)));

  // The shift core refuses while the target proxy group has no healthy target, so offer nothing then.
  if (outcome.targetHealth.healthy > 0) {
    if (!ready) {
      blocks.push(context('Prep is blocked; you can still request a shift, but read the reasons above first. Each request needs a second person to approve.'));
    } else {
      blocks.push(context('Each request opens an approval request that a second person must approve.'));
    }
    blocks.push(shiftButtons(outcome.stage));
  }

  const text = ready
    ? `${outcome.stage}: READY for switchover (target proxy group ${describeHealth(outcome.targetHealth)}; ${describeWeights(outcome.weights)})`
    : `${outcome.stage}: BLOCKED: ${outcome.reasons.join(' ')}`;
  return { text: clipText(text + (chartsNote ? ` ${chartsNote}` : ''), SECTION_TEXT_MAX), blocks };
}

function failedMessage(outcome: PrepFailed): SlackMessage {
  const step = outcome.steps.find((s) => s.name === outcome.failedStep);
  const blocks: Block[] = [
    header(`:x: ${outcome.stage}: prep failed`),
    section(`*${step?.label ?? outcome.failedStep} failed:* ${escapeMrkdwn(outcome.message)}`),
  ];
  if (outcome.scaled) {
    blocks.push(section(`The target proxy was scaled from ${outcome.scaled.from} to ${outcome.scaled.to} tasks before the failure.`));
  }
  if (outcome.warnings.length > 0) blocks.push(section(`*Warnings:*\n${bullets(outcome.warnings)}`));
  blocks.push(
    context(
      `Prep by ${mention(outcome.user)} · ${hhmm(outcome.finishedAt)} UTC. Running \`/switchover prep ${outcome.stage}\` again is safe: nothing is scaled twice.`,
    ),
  );
  return { text: clipText(`${outcome.stage}: prep failed: ${outcome.message}`, SECTION_TEXT_MAX), blocks };
}

/** The summary after prep (a busy stage is answered before any summary): a message that says where things stand. */
export function prepSummaryMessage(outcome: PrepCompleted | PrepFailed, options: { chartsNote?: string } = {}): SlackMessage {
  return outcome.kind === 'completed' ? completedMessage(outcome, options.chartsNote) : failedMessage(outcome);
}
