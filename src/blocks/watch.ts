// Block Kit for watching a stage after a change: the progress message (updated in place every minute), the
// guardrail alert with "Request fallback", pinned connections with "Request force reconnect", completion,
// and the end of a watch. Pure: data in, blocks out.
import type { ActionsBlock } from '@slack/types';
import { percentText } from '../core/format';
import { describeHealth } from '../core/health';
import type { GuardrailBreach, GuardrailEvaluation, GuardrailName, Verdict } from '../core/judge';
import type { MinuteFigures, ObservedSplit } from '../core/traffic';
import type { AlertNote, WatchEndReason } from '../core/watch';
import type { PinnedConnections, WatchInfo, WatchTick } from '../core/watch-tick';
import { firstFullMinute } from '../core/traffic';
import { describeWeights } from '../core/weights';
import { type Block, button, clipText, context, escapeMrkdwn, section, type SlackMessage } from './common';
import { formatTime, hhmm } from '../core/format';

export const REQUEST_FALLBACK_ACTION = 'switchover_request_fallback';
export const REQUEST_FORCE_RECONNECT_ACTION = 'switchover_request_force_reconnect';

/** Guardrails in words, as the watch's messages (and status) name them. */
export const GUARDRAIL_WORDS: Record<GuardrailName, string> = {
  'error-rate': '5xx rate',
  'elb-5xx': 'load-balancer 5xx',
  'connection-errors': 'connection errors',
  'p99-latency': 'p99 latency',
  'unhealthy-targets': 'unhealthy targets',
};

const VERDICT_MARKS: Record<Verdict, string> = {
  breach: ':rotating_light:',
  healthy: ':white_check_mark:',
  inconclusive: ':hourglass:',
  'no-data': ':grey_question:',
};

function changeText(watch: WatchInfo): string {
  return watch.mode === 'fallback'
    ? `fallback (${describeWeights(watch.appliedWeights)})`
    : `shift to ${describeWeights(watch.appliedWeights)}`;
}

function figuresText(label: string, m: MinuteFigures | null): string {
  if (!m) return `*${label}:* no complete minute yet`;
  if (m.requests === null) return `*${label}:* unknown (metrics unavailable)`;
  const parts = [`${m.requests} requests`];
  if (m.requests > 0) {
    parts.push(`5xx ${m.errorRate5xx === null ? 'unknown' : percentText(m.errorRate5xx * 100)}`);
    if (m.latencyAvg !== null) parts.push(`avg ${Math.round(m.latencyAvg * 1000)} ms`);
    if (m.latencyP99 !== null) parts.push(`p99 ${Math.round(m.latencyP99 * 1000)} ms`);
  }
  return `*${label}:* ${parts.join(', ')}`;
}

function splitText(split: ObservedSplit | null): string {
  if (!split || split.sourceRequests === null || split.targetRequests === null) return 'unknown';
  if (split.targetPercent === null) return 'no traffic';
  return `${split.targetPercent}% to the target proxy (source ${split.sourceRequests} / target ${split.targetRequests})`;
}

/** The split over the settled minutes since the change (never before it), saying which minutes. */
function recentSplitText(tick: WatchTick): string {
  const split = tick.splitRecent;
  // A minute judged but no split: the metrics could not be read.
  if (!split) return `since the change: ${tick.minute !== null && !tick.splitLastMinute ? 'unknown' : 'no complete minute under the new weights yet'}`;
  const { start, end } = split.window;
  const since = start === firstFullMinute(tick.watch.appliedAt) ? ' (since the change)' : '';
  return `${hhmm(start)}-${hhmm(end)} UTC${since}: ${splitText(split)}`;
}

/** The guardrails' state in words, e.g. ":white_check_mark: healthy: every signal within its margin". */
export function evaluationText(evaluation: GuardrailEvaluation): string {
  switch (evaluation.state) {
    case 'breach':
      return `:rotating_light: *guardrail breached:* ${evaluation.breaches.map((b) => GUARDRAIL_WORDS[b.guardrail]).join(', ')}`;
    case 'healthy':
      return ':white_check_mark: *healthy:* every signal is confidently within its margin';
    case 'inconclusive':
      return ':hourglass: *inconclusive:* the data cannot tell yet (that is not a pass)';
    case 'no-data':
      return ':grey_question: *no data to judge:* the metrics could not be read';
  }
}

/**
 * The judgement of a tick in lines, as the progress message shows it (status repeats them): the guardrails'
 * state, then each signal's verdict with its numbers. Before any minute after the change, that it waits.
 */
export function judgementLines(minute: number | null, evaluation: GuardrailEvaluation): string[] {
  if (minute === null) return [':hourglass: waiting for the first complete minute after the change'];
  return [evaluationText(evaluation), ...evaluation.signals.map((v) => `${VERDICT_MARKS[v.verdict]} ${escapeMrkdwn(v.text)}`)];
}

/** The progress message in the request's thread, updated in place every minute. */
export function watchProgressMessage(tick: WatchTick): SlackMessage {
  const { watch } = tick;
  const minute = tick.minute === null ? 'waiting for CloudWatch' : `minute ${hhmm(tick.minute)}-${hhmm(tick.minute + 60_000)} UTC`;
  const health = 'summary' in tick.health ? describeHealth(tick.health.summary) : `unknown: ${escapeMrkdwn(tick.health.error)}`;
  const lines = [
    `*Watching ${escapeMrkdwn(watch.stage)}* after the ${changeText(watch)} (${escapeMrkdwn(watch.requestId)}) — ${minute}`,
    // The guardrails' state, then each signal's verdict with the numbers it rests on.
    ...judgementLines(tick.minute, tick.evaluation),
    `*Split:* last minute ${splitText(tick.splitLastMinute)}; ${recentSplitText(tick)}; configured ${tick.configuredPercent}%`,
    figuresText('Source proxy', tick.source),
    figuresText('Target proxy', tick.target),
    `*${tick.health.side === 'source' ? 'Source' : 'Target'} proxy targets:* ${health}`,
  ];
  for (const b of tick.evaluation.breaches) if (b.guardrail === 'unhealthy-targets') lines.push(`• ${escapeMrkdwn(b.detail)}`);
  for (const n of tick.evaluation.notes) lines.push(`• ${escapeMrkdwn(n)}`);
  if (tick.completion.applies) {
    lines.push(
      tick.pinned
        ? `*Completion:* requests still reach the source proxy (~${tick.pinned.requestsPerMinute}/min for ${tick.pinned.minutes} min): pinned connections`
        : `*Completion:* ${tick.completion.quietMinutes}/${tick.completion.needed} minutes without requests on the source proxy`,
    );
  }
  const blocks: Block[] = [section(lines.join('\n'))];
  if (tick.missing.length > 0) {
    blocks.push(context(`:warning: Not available this minute: ${tick.missing.map(escapeMrkdwn).join('; ')}. Watching goes on.`));
  }
  blocks.push(context(`Updated ${hhmm(tick.at)} UTC; watching until ${hhmm(watch.until)} UTC.`));
  const state = tick.minute === null ? 'waiting for the first minute' : tick.evaluation.state.replace(/-/g, ' ');
  return { text: clipText(`Watching ${watch.stage}: ${state}`), blocks };
}

/**
 * A breach, in the channel, once per breach episode. `note`: what a running plan did about it (its automatic fallback, applied or failed);
 * once traffic is back on the source proxy the alert offers no "Request fallback".
 */
export function guardrailAlertMessage(watch: WatchInfo, breach: GuardrailBreach, note?: AlertNote): SlackMessage {
  const what = GUARDRAIL_WORDS[breach.guardrail];
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'switchover_guardrail_actions',
    elements: [button('Request fallback', REQUEST_FALLBACK_ACTION, watch.stage, 'danger')],
  };
  const headline =
    `:rotating_light: *Guardrail breached on ${escapeMrkdwn(watch.stage)}: ${what}*\n${escapeMrkdwn(breach.detail)}\n` +
    `After the ${changeText(watch)} (${escapeMrkdwn(watch.requestId)}).`;
  const offer = [actions, context('A fallback sends all new traffic back to the source proxy; it needs a second person to approve.')];
  return {
    text: clipText(`Guardrail breached on ${watch.stage}: ${what}. ${note ? note.text : breach.detail}`),
    blocks: [section(headline), ...(note ? [section(escapeMrkdwn(note.text))] : []), ...(note?.fellBack ? [] : offer)],
  };
}

/** Requests keep reaching the source proxy at weight 0: say how many and offer the force reconnect. */
export function pinnedConnectionsMessage(watch: WatchInfo, pinned: PinnedConnections): SlackMessage {
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: 'switchover_pinned_actions',
    elements: [button('Request force reconnect', REQUEST_FORCE_RECONNECT_ACTION, watch.stage)],
  };
  const text =
    `Requests still reach the source proxy on ${watch.stage} at weight 0: ~${pinned.requestsPerMinute} requests/min ` +
    `for ${pinned.minutes} minutes. These are clients on kept-alive (pinned) connections opened before the change.`;
  return {
    text: clipText(text),
    blocks: [
      section(`:pushpin: ${escapeMrkdwn(text)}`),
      section(
        'A *force reconnect* is a rolling restart of the capture proxy service (ECS force new deployment): ' +
          'its connections close and clients reconnect through the load balancer, which now sends them to the target proxy. ' +
          'It needs a second person to approve.',
      ),
      actions,
    ],
  };
}

/** The source proxy served nothing for the configured minutes after a 100% shift. */
export function completedMessage(watch: WatchInfo, tick: WatchTick): SlackMessage {
  const text =
    `Switchover of ${watch.stage} is complete: the source proxy has served no requests for ${tick.completion.quietMinutes} ` +
    `consecutive minutes after the change to ${describeWeights(watch.appliedWeights)}. The source cluster can be taken offline.`;
  const since = tick.minute === null ? '' : ` (through ${hhmm(tick.minute + 60_000)} UTC)`;
  return {
    text: clipText(text),
    blocks: [section(`:checkered_flag: ${escapeMrkdwn(text)}${since}`), context(`Watch of ${escapeMrkdwn(watch.requestId)} ended at ${formatTime(tick.at)}.`)],
  };
}

const END_WORDS: Record<Exclude<WatchEndReason, 'completed'>, string> = {
  'window-elapsed': 'the watch window has elapsed',
  superseded: 'a newer change on this stage is being watched instead',
  stopped: 'watching was stopped',
};

/** In the request's thread: the listener no longer holds what the bot applied. */
export function changedOutsideMessage(watch: WatchInfo, description: string): SlackMessage {
  const text =
    `The switchover listener of ${watch.stage} was changed outside the bot: it now has ${description}. ` +
    `The bot applied ${describeWeights(watch.appliedWeights)} (${watch.requestId}); the watch goes on judging the traffic as it flows.`;
  return { text, blocks: [section(`:warning: ${escapeMrkdwn(text)}`)] };
}

/** A watch ended without completing. */
export function watchEndedMessage(watch: WatchInfo, reason: Exclude<WatchEndReason, 'completed'>): SlackMessage {
  const text = `Stopped watching ${watch.stage} (${watch.requestId}): ${END_WORDS[reason]}.`;
  const hint = reason === 'window-elapsed' ? ' Use `/switchover status ' + watch.stage + '` to check it again.' : '';
  return { text, blocks: [section(`${escapeMrkdwn(text)}${hint}`)] };
}
