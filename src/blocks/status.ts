// Block Kit for `/switchover status`: one stage in full, or every stage on one line each.
// Pure: data in, blocks out.
import { formatTime, hhmm, mention } from '../core/format';
import { describeHealth, type HealthSummary } from '../core/health';
import type { Known, LastAppliedSummary, OpenRequestSummary, SideStatus, StageLine, StageStatus } from '../core/status';
import type { RequestKind } from '../core/journal';
import type { EcsServiceCounts } from '../core/types';
import type { SeenBreach, WatchState } from '../core/watch-state';
import { describeWeights } from '../core/weights';
import type { Plan } from '../core/plan/plan';
import { describePlanShort, expectedEndText } from '../core/plan/words';
import { type Block, channelLink, clipText, context, escapeMrkdwn, escapeText, header, MAX_BLOCKS, section, SECTION_TEXT_MAX, type SlackMessage } from './common';
import { GUARDRAIL_WORDS, judgementLines } from './watch';

const MAX_PROBLEMS_SHOWN = 3;

function healthText(health: Known<HealthSummary>): string {
  if (!health.ok) return `unknown: ${escapeMrkdwn(health.error)}`;
  const s = health.value;
  const problems = s.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `\n    • ${escapeMrkdwn(p)}`).join('');
  const more = s.problems.length > MAX_PROBLEMS_SHOWN ? `\n    • …and ${s.problems.length - MAX_PROBLEMS_SHOWN} more` : '';
  return `${describeHealth(s)}${problems}${more}`;
}

function ecsText(service: EcsServiceCounts): string {
  const parts = [`${service.running}/${service.desired} running`];
  if (service.pending > 0) parts.push(`${service.pending} pending`);
  if (service.status !== 'ACTIVE') parts.push(service.status.toLowerCase());
  const rolling = service.deployments.filter((d) => d.rolloutState === 'IN_PROGRESS' || d.status === 'ACTIVE');
  if (rolling.length > 0) parts.push('deployment in progress');
  return parts.join(', ');
}

function sideSection(status: StageStatus, side: SideStatus): Block {
  const title = side.side === 'source' ? 'Source proxy (capture proxy)' : 'Target proxy';
  const group = side.side === 'source' ? status.resources.sourceProxyTargetGroup.name : status.resources.targetProxyTargetGroup.name;
  const ecs = status.proxies.ok
    ? ecsText(side.side === 'source' ? status.proxies.value.captureProxy : status.proxies.value.targetProxy)
    : `unknown: ${escapeMrkdwn(status.proxies.error)}`;
  return section(
    `*${title}* — \`${escapeMrkdwn(group)}\`\n` +
      `• Targets: ${healthText(side.health)}\n` +
      `• ECS tasks: ${ecs}\n` +
      `• ${windowSpan(status)}: ${escapeMrkdwn(side.comparison)}`,
  );
}

/** The traffic window's minutes, e.g. "12:41-12:44 UTC", or that none has settled since the change. */
function windowSpan(status: StageStatus): string {
  const w = status.recentWindow;
  return w.minutes === 0 ? 'Since the change' : `${hhmm(w.start)}-${hhmm(w.end)} UTC`;
}

function splitText(status: StageStatus): string {
  if (status.recentWindow.minutes === 0) return 'not observed yet (no settled minute since the change)';
  const window = windowSpan(status);
  const split = status.split;
  if (!split || split.sourceRequests === null || split.targetRequests === null) return `unknown (${window})`;
  const pct = split.targetPercent === null ? 'no traffic' : `${split.targetPercent}% to the target proxy`;
  return `source ${split.sourceRequests} / target ${split.targetRequests} requests, ${pct} (${window})`;
}

function connectionsText(status: StageStatus): string {
  const { active, new: fresh } = status.connections;
  const fmt = (v: number | null) => (v === null ? 'unknown' : String(Math.round(v)));
  const b = status.baseline;
  const base =
    b && (b.activeConnections !== null || b.newConnections !== null)
      ? ` (baseline ${fmt(b.activeConnections)} active / ${fmt(b.newConnections)} new)`
      : '';
  return `${fmt(active)} active / ${fmt(fresh)} new per minute${base}`;
}

export function openRequestText(request: OpenRequestSummary | undefined): string {
  if (!request) return 'none';
  const what: Record<RequestKind, string> = {
    shift: `shift ${request.percent}% to the target proxy`,
    plan: `gradual switchover plan from ${request.percent}%`,
    fallback: 'fall back to the source proxy',
    forceReconnect: 'force reconnect (capture proxy restart)',
  };
  return `${request.id}: ${what[request.kind]}, by ${mention(request.requester)}, expires ${hhmm(request.expiresAt)} UTC`;
}

export function lastAppliedText(applied: LastAppliedSummary | undefined): string {
  if (!applied) return 'none recorded';
  const what =
    applied.kind === 'shift' ? `shift ${applied.percent}%` : applied.kind === 'plan' ? `plan, first step ${applied.percent}%` : applied.kind === 'fallback' ? 'fallback' : 'force reconnect';
  const who = applied.approver ? `, approved by ${mention(applied.approver)}` : '';
  return `${applied.id}: ${what} at ${formatTime(applied.appliedAt)}${who}; ${describeWeights(applied.before)} → ${describeWeights(applied.after)}`;
}

function guardrailWords(guardrail: string): string {
  return GUARDRAIL_WORDS[guardrail as keyof typeof GUARDRAIL_WORDS] ?? guardrail;
}

const WATCH_END_WORDS: Record<NonNullable<WatchState['ended']>['reason'], string> = {
  completed: 'the switchover completed',
  'window-elapsed': 'its window elapsed',
  superseded: 'a newer change is watched instead',
  stopped: 'watching was stopped',
};

/** "12:03 UTC", or that the journal could not give the time back. */
function utc(t: number | null): string {
  return t === null ? '(time unknown)' : `${hhmm(t)} UTC`;
}

/** One breach; `judged`: whether the watch has judged a minute since the bot started. */
function breachLine(b: SeenBreach, judged: boolean): string {
  const state =
    b.ongoing === true
      ? 'ongoing'
      : b.ongoing === false
        ? 'not breaching in the newest minute'
        : judged
          ? 'no data in the newest minute to tell whether it goes on'
          : 'as alerted';
  // An ongoing signal breach has its numbers in the verdict lines above; others say them here.
  const detail = b.ongoing === true && b.guardrail !== 'unhealthy-targets' ? '' : `: ${escapeMrkdwn(b.detail)}`;
  const alert = b.alert ? (b.alert.link ? ` <${b.alert.link}|Alert message>` : ` Alert in ${channelLink(b.alert.channel)}.`) : '';
  return `• *${escapeMrkdwn(guardrailWords(b.guardrail))}* since ${utc(b.since)} (${state})${detail}.${alert}`;
}

/**
 * The watch's guardrail state, in the words of its progress message: a breach (which guardrail, since when,
 * its alert), or its judgement of the newest settled minute. Every breach of the watched change is listed.
 */
export function watchStateText(watch: WatchState): string {
  const lines: string[] = [];
  if (watch.latest) {
    const { minute, evaluation } = watch.latest;
    const [head, ...verdicts] = judgementLines(minute, evaluation);
    lines.push(`${head}${minute === null ? '' : ` (minute ${hhmm(minute)}-${hhmm(minute + 60_000)} UTC)`}`, ...verdicts);
  } else if (watch.breaches.length > 0) {
    const names = [...new Set(watch.breaches.map((b) => guardrailWords(b.guardrail)))].join(', ');
    lines.push(`:rotating_light: *guardrail breached:* ${escapeMrkdwn(names)} (as the watch alerted; no minute judged since the bot started)`);
  } else {
    lines.push(watch.ended ? 'no guardrail breached' : ':hourglass: no minute judged yet since the change (or since the bot started)');
  }
  lines.push(...watch.breaches.map((b) => breachLine(b, watch.latest !== undefined)));
  const about = `after ${escapeMrkdwn(watch.requestId)}, applied ${utc(watch.appliedAt)}`;
  lines.push(
    watch.ended
      ? `_Watch ${about}, ended ${utc(watch.ended.at)}: ${WATCH_END_WORDS[watch.ended.reason]}._`
      : `_Watching ${about}, until ${utc(watch.until)}._`,
  );
  return lines.join('\n');
}

/** The watch's state in one line of plain words, for the message's text (notifications, screen readers). */
function watchStateSummary(watch: WatchState): string | undefined {
  const ongoing = watch.breaches.filter((b) => b.ongoing !== false);
  if (ongoing.length > 0) {
    return `guardrail breached: ${ongoing.map((b) => `${guardrailWords(b.guardrail)} since ${utc(b.since)}`).join(', ')}`;
  }
  return watch.latest?.evaluation.state.replace(/-/g, ' ');
}

/** The full status of one stage. */
export function statusMessage(status: StageStatus): SlackMessage {
  const weights = status.listener.ok ? status.listener.value.description : `unknown: ${escapeMrkdwn(status.listener.error)}`;
  const sticky =
    status.listener.ok && status.listener.value.stickiness.enabled
      ? `\n:warning: Stickiness is on (${status.listener.value.stickiness.durationSeconds ?? '?'} s): clients stay on their group longer than the weights say.`
      : '';
  const rules = status.listener.ok ? status.listener.value.warnings.map((w) => `\n:warning: ${escapeMrkdwn(w)}`).join('') : '';
  const blocks: Block[] = [
    header(`Switchover status: ${status.stage}`),
    ...(status.watch ? [section(`*Watch:* ${watchStateText(status.watch)}`)] : []),
    ...(status.plan ? [section(`*Plan:* ${planStatusText(status.plan)}`)] : []),
    section(`*Traffic:* ${escapeMrkdwn(status.verdict)}`),
    section(
      `*Weights:* ${escapeMrkdwn(weights)}${sticky}${rules}\n` +
        `*Observed split:* ${splitText(status)}\n` +
        `*Connections (load balancer):* ${connectionsText(status)}`,
    ),
    sideSection(status, status.source),
    sideSection(status, status.target),
    section(
      `*Baseline:* ${escapeMrkdwn(status.baselineNote)}\n` +
        `*Open request:* ${openRequestText(status.openRequest)}\n` +
        `*Last applied change:* ${lastAppliedText(status.lastApplied)}`,
    ),
  ];
  if (status.unknown.length > 0) {
    blocks.push(context(`:warning: Could not read: ${status.unknown.map(escapeMrkdwn).join('; ')}. Everything else above is current.`));
  }
  // Only a change on record that the listener still agrees with bounds the window; otherwise it claims nothing.
  const w = status.recentWindow;
  const bounded = w.change && !w.changedOutside ? '; never minutes from before the last change' : '';
  blocks.push(context(`Read at ${formatTime(status.at)}. Traffic figures: ${escapeMrkdwn(w.text)}${bounded}.`));
  const watch = status.watch ? watchStateSummary(status.watch) : undefined;
  return { text: clipText(`Switchover status of ${status.stage}: ${watch ? `${watch}; ` : ''}${status.verdict}`), blocks };
}

/** The plan in status: where it stands, and the judgement so far (the watch line above has the newest minute). */
export function planStatusText(plan: Plan): string {
  const parts = [`${escapeText(describePlanShort(plan))} (${plan.steps.join(' → ')}%, every ${plan.bakeMinutes} min, ${plan.id})`];
  const end = expectedEndText(plan);
  if (end) parts.push(end);
  if (plan.status === 'running' && plan.holds > 0 && plan.lastVerdict) parts.push(`held because ${escapeMrkdwn(plan.lastVerdict)}`);
  if (plan.pause?.detail) parts.push(escapeMrkdwn(plan.pause.detail));
  if (plan.ended?.detail) parts.push(escapeMrkdwn(plan.ended.detail));
  return parts.join('; ');
}

function lineText(line: StageLine): string {
  const weights = escapeMrkdwn(line.description);
  const open = line.openRequest ? `  :hourglass_flowing_sand: open request ${openRequestText(line.openRequest)}` : '';
  const breached = line.breaches?.length
    ? `  :rotating_light: guardrail breached: ${line.breaches.map((b) => `${escapeMrkdwn(guardrailWords(b.guardrail))} since ${utc(b.since)}`).join(', ')}`
    : '';
  const plan = line.plan ? `  :arrow_forward: plan ${escapeText(describePlanShort(line.plan))}` : '';
  return `• *${escapeMrkdwn(line.stage)}*: ${weights}${breached}${plan}${open}`;
}

/** `/switchover status` without a stage: every stage on one line. */
export function stageListMessage(lines: StageLine[]): SlackMessage {
  if (lines.length === 0) {
    const text = 'No Migration Assistant stage found: no `MigrationAssistant-&lt;stage&gt;` load balancer is visible and the stages file names none.';
    return { text, blocks: [section(text)] };
  }
  const blocks: Block[] = [header('Switchover stages')];
  let chunk = '';
  let shown = 0;
  for (const line of lines) {
    const text = lineText(line);
    if (chunk && chunk.length + 1 + text.length > SECTION_TEXT_MAX) {
      if (blocks.length >= MAX_BLOCKS - 2) break;
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${text}` : clipText(text);
    shown++;
  }
  if (chunk) blocks.push(section(chunk));
  const hidden = lines.length - shown;
  blocks.push(context(`${hidden > 0 ? `${hidden} more stages not shown. ` : ''}Details: \`/switchover status &lt;stage&gt;\``));
  const open = lines.filter((l) => l.openRequest).length;
  const breached = lines.filter((l) => l.breaches?.length).length;
  const text = `${lines.length} stage${lines.length === 1 ? '' : 's'}${breached ? `, ${breached} with a guardrail breached` : ''}${open ? `, ${open} with an open request` : ''}`;
  return { text, blocks };
}
