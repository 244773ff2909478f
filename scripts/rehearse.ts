// `npm run rehearse`: the whole runbook in the terminal, in under a minute, with no network and no AWS. The
// real app runs in HTTP mode against the simulated Migration Assistant stack and an in-process fake Slack;
// two simulated people (alice, operator and requester; bob, approver) type slash commands and click buttons
// signed exactly as Slack signs them, and simulated minutes pass instantly (ManualClock). Every message the
// bot posts, updates or shows to one person is printed as readable text; uploaded charts are saved to
// ./rehearsal-output/. Exits non-zero if a step did not behave as the runbook expects (CI's smoke test).
//
// Charts are drawn in the bot's process, as in production by default, so the saved PNGs are the real pictures
// and the rehearsal never leaves 127.0.0.1; with QUICKCHART_URL set, that QuickChart server draws them.
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= 'true';

import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManualClock } from '../src/adapters/clock';
import { createSimulatedAws } from '../src/adapters/sim';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK } from '../src/blocks/request';
import { REQUEST_FALLBACK_ACTION } from '../src/blocks/watch';
import type { Weights } from '../src/core/types';
import { MINUTE_MS } from '../src/core/types';
import type { FakeMessage } from '../test/support/fake-slack';
import { CHANNEL, startHarness, type Harness } from '../test/support/slack-harness';
import { Transcript } from './rehearse/transcript';

const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const STAGE = 'dev';
const OUTPUT = resolve(process.cwd(), 'rehearsal-output');
const DEADLINE_MS = 60_000;

class StepFailed extends Error {}

const out = (text: string) => process.stdout.write(text);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    process.stderr.write(`\nrehearsal FAILED: still running after ${DEADLINE_MS / 1000} s\n`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  const started = Date.now();

  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  const realCharts = process.env.QUICKCHART_URL;

  const clock = new ManualClock();
  const sim = createSimulatedAws({ clock });
  const h = await startHarness(
    { LOG_LEVEL: 'info', QUICKCHART_URL: realCharts ?? '' },
    { clock },
    { simulation: sim },
  );
  const names: Record<string, string> = { [ALICE]: 'alice', [BOB]: 'bob', [CHANNEL]: 'switchover' };
  const transcript = new Transcript(h.fake, { names, chartsDir: OUTPUT, write: out });
  let step = 0;
  /** Until the fake Slack has heard nothing for a moment (real time): the bot has said all it had to. */
  const quiet = async () => {
    let seen = -1;
    for (;;) {
      const now = h.fake.calls.length + h.fake.responses.length;
      if (now === seen) break;
      seen = now;
      await sleep(30);
    }
    transcript.flush();
  };
  const banner = async (who: string, what: string) => {
    await quiet();
    out(`\n== ${++step}. ${who}: ${what}\n`);
  };
  const check = (ok: boolean, expected: string) => {
    if (!ok) throw new StepFailed(`step ${step}: expected ${expected}`);
    out(`  ok: ${expected}\n`);
  };
  const weights = (): Weights => sim.stack.stage(STAGE).weights();
  const logged = (msg: string) => h.logs().filter((l) => l.msg === msg).length;

  /** Real I/O runs; the simulated clock moves 5 s at a time while anything sleeps on it, until `find` finds. */
  const drive = async <T>(find: () => T | undefined, what: string, maxSteps = 4_000): Promise<T> => {
    for (let i = 0; i < maxSteps; i++) {
      const found = find();
      if (found !== undefined) return found;
      await sleep(1);
      if (clock.pending > 0) await clock.advance(5_000);
    }
    throw new StepFailed(`step ${step}: the simulated clock ran out waiting for ${what}`);
  };
  /** Waits in real time only (the bot answering a click or a command), without moving the simulated clock. */
  const wait = async <T>(find: () => T | undefined, what: string, ms = 5_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new StepFailed(`step ${step}: timed out waiting for ${what}`);
      await sleep(2);
    }
  };
  /** Simulated minutes, one at a time; each waits for the watch's tick (real HTTP to the fake Slack) to finish. */
  const minutes = async (n: number, stopWhen?: () => boolean) => {
    for (let i = 0; i < n; i++) {
      const asleep = clock.pending;
      await clock.advance(MINUTE_MS);
      await wait(() => (clock.pending >= asleep || h.deps.watcher.active().length === 0 ? true : undefined), 'the watch tick');
      await sleep(20);
      transcript.flush();
      if (stopWhen?.()) return i + 1;
    }
    return n;
  };

  /**
   * Simulated minutes for a running plan: a step's AWS calls each sleep on the clock for their deadline, so each
   * minute waits until no watch is mid-tick rather than counting sleepers.
   */
  const planMinutes = async (n: number, stopWhen?: () => boolean) => {
    for (let i = 0; i < n; i++) {
      await clock.advance(MINUTE_MS);
      await wait(() => (h.deps.watcher.idle ? true : undefined), 'the watch tick');
      await sleep(5);
      transcript.flush();
      if (stopWhen?.()) return i + 1;
    }
    return n;
  };

  const slash = async (user: string, text: string) => {
    await banner(names[user]!, `/switchover ${text}`);
    const { rawBody, headers, responseUrl } = h.signedSlash(text, { user });
    transcript.answers(responseUrl, user);
    const answer = await h.post(rawBody, headers);
    if (answer.status !== 200) throw new StepFailed(`step ${step}: Slack got HTTP ${answer.status} for /switchover ${text}`);
    return responseUrl;
  };
  const click = async (user: string, label: string, message: FakeMessage, actionId: string) => {
    await banner(names[user]!, `clicks "${label}" on the bot's message ${message.ts}`);
    const button = buttonOf(message, actionId);
    if (!button) throw new StepFailed(`step ${step}: the message has no "${label}" button`);
    const sent = await h.click(actionId, button.value, { user, messageTs: message.ts, blockId: button.blockId });
    transcript.answers(sent.responseUrl, user);
    return button.value;
  };
  const newMessages = (from: number, match: (m: FakeMessage) => boolean) =>
    h.fake.messages.slice(from).find((m) => m.channel === CHANNEL && !m.threadTs && match(m));
  const hasButton = (actionId: string) => (m: FakeMessage) => buttonOf(m, actionId) !== undefined;

  /** A change requested by alice and approved by bob, from the request message to "Applied". */
  const approveByBob = async (request: FakeMessage, state = 'Applied') => {
    const before = h.fake.callsOf('views.open').length;
    const requestId = await click(BOB, 'Approve', request, APPROVE_ACTION);
    await wait(() => (h.fake.callsOf('views.open').length > before ? true : undefined), 'the Approve dialog for bob');
    await banner('bob', 'clicks "Apply" in the dialog');
    await h.submitView(APPROVE_CONFIRM_CALLBACK, requestId, BOB);
    await wait(() => ((latest(h, request.ts).text ?? '').startsWith(state) ? true : undefined), `the request message to say ${state}`);
    await sleep(50);
  };

  try {
    out(`switchover-bot rehearsal: the runbook against a simulated Migration Assistant stack (stage ${STAGE}).\n`);
    out(`alice (${ALICE}) is the operator, bob (${BOB}) the approver; the channel is #switchover.\n`);
    out(
      realCharts
        ? `Charts are drawn by QUICKCHART_URL=${realCharts}.\n`
        : 'Charts are drawn inside the bot (Chart.js on @napi-rs/canvas), as in production unless QUICKCHART_URL is set.\n',
    );

    // 1. Prep: scale the target proxy, wait for healthy targets, baseline, summary with charts.
    const prepFrom = h.fake.messages.length;
    await slash(ALICE, `prep ${STAGE}`);
    await drive(() => (logged('prep summary posted') > 0 ? true : undefined), 'the prep summary');
    await sleep(50);
    transcript.flush();
    const proxies = sim.stack.stage(STAGE).services.target.desired;
    check(proxies >= sim.stack.stage(STAGE).services.source.desired, `the target proxy scaled to ${proxies} tasks, at least the capture proxy`);
    check(h.fake.messages.length > prepFrom, 'prep posted its summary in the channel');

    // 2. alice asks for 10%, and tries to approve her own request.
    let from = h.fake.messages.length;
    await slash(ALICE, `shift ${STAGE} 10`);
    const shift10 = await wait(() => newMessages(from, hasButton(APPROVE_ACTION)), 'the shift request message');
    check(true, 'the 10% request is posted with Approve and Reject');
    const refusalsBefore = h.fake.responses.length + h.fake.callsOf('chat.postEphemeral').length;
    const opened = h.fake.callsOf('views.open').length;
    await click(ALICE, 'Approve', shift10, APPROVE_ACTION);
    await wait(
      () => (h.fake.responses.length + h.fake.callsOf('chat.postEphemeral').length > refusalsBefore ? true : undefined),
      'the refusal of a self-approval',
    );
    await sleep(50);
    transcript.flush();
    check(h.fake.callsOf('views.open').length === opened, 'no approval dialog for the requester');
    check(h.deps.approvals.openRequest(STAGE)?.status === 'open', 'the request stays open');
    check(weights().target === 0, 'nothing changed in AWS');

    // 3. bob approves: 10% of new traffic to the target proxy.
    await approveByBob(shift10);
    const w10 = weights();
    check(w10.target > 0 && w10.source > 0, `the listener now has source ${w10.source} / target ${w10.target}`);
    await banner('time', 'five simulated minutes pass while the bot watches');
    await minutes(5);

    // 4. Status, with charts in its thread.
    from = h.fake.messages.length;
    const postedBefore = logged('status posted');
    await slash(BOB, `status ${STAGE}`);
    await wait(() => (logged('status posted') > postedBefore ? true : undefined), 'the status');
    await sleep(50);
    transcript.flush();
    check(newMessages(from, () => true) !== undefined, 'the status is posted in the channel');

    // 5. The full switchover.
    from = h.fake.messages.length;
    await slash(ALICE, `shift ${STAGE} 100`);
    const shift100 = await wait(() => newMessages(from, hasButton(APPROVE_ACTION)), 'the 100% request message');
    await approveByBob(shift100);
    const w100 = weights();
    check(w100.source === 0 && w100.target > 0, `the listener sends all new traffic to the target proxy (source ${w100.source} / target ${w100.target})`);
    await banner('time', 'three simulated minutes pass');
    await minutes(3);

    // 6. The target starts failing: a guardrail trips and the bot offers a fallback.
    await banner('simulation', 'the target proxy starts answering 20% of requests with 5xx');
    sim.stack.setErrorSpike(STAGE, 0.2);
    from = h.fake.messages.length;
    await minutes(10, () => newMessages(from, hasButton(REQUEST_FALLBACK_ACTION)) !== undefined);
    const alert = newMessages(from, hasButton(REQUEST_FALLBACK_ACTION));
    check(alert !== undefined, 'a guardrail alert with a "Request fallback" button is posted in the channel');

    // 7. Fallback from the alert, approved by bob.
    from = h.fake.messages.length;
    await click(ALICE, 'Request fallback', alert!, REQUEST_FALLBACK_ACTION);
    const fallback = await wait(() => newMessages(from, hasButton(APPROVE_ACTION)), 'the fallback request message');
    await approveByBob(fallback);
    const wBack = weights();
    check(wBack.target === 0 && wBack.source > 0, `all new traffic is back on the source proxy (source ${wBack.source} / target ${wBack.target})`);
    sim.stack.setErrorSpike(STAGE, undefined);

    // 8. The audit trail.
    const answersBefore = h.fake.responses.length;
    await slash(ALICE, `history ${STAGE}`);
    await wait(() => (h.fake.responses.length > answersBefore ? true : undefined), 'the history');
    await sleep(50);
    transcript.flush();
    const history = JSON.stringify(h.fake.responses.slice(answersBefore).map((r) => r.body));
    check(
      /fall back to the source proxy/.test(history) && /shift 100%/.test(history) && /shift 10%/.test(history),
      'the history shows the 10% and 100% shifts and the fallback, newest first',
    );

    // 9. A gradual plan that breaches at 25 % and falls back by itself.
    await banner('time', 'the target proxy is fixed; ten simulated minutes pass on the source proxy');
    await planMinutes(10);
    from = h.fake.messages.length;
    await slash(ALICE, `plan ${STAGE} 5,25,100 every 5m`);
    const breachPlan = await wait(() => newMessages(from, hasButton(APPROVE_ACTION)), 'the plan request message');
    check(/automatic fallback to the source proxy/.test(JSON.stringify(breachPlan.blocks)), 'the plan request says that approving it approves an automatic fallback');
    await approveByBob(breachPlan, 'Plan on');
    check(weights().target === 5, 'step 1 of the plan: 5% of new traffic to the target proxy');
    await banner('time', 'simulated minutes pass until the plan reaches 25%');
    await planMinutes(40, () => weights().target === 25);
    check(weights().target === 25, 'the plan stepped to 25% on its own after a healthy bake');
    await banner('simulation', 'the target proxy starts answering 20% of requests with 5xx');
    sim.stack.setErrorSpike(STAGE, 0.2);
    const modifiesBefore = sim.stack.calls.ModifyListener ?? 0;
    from = h.fake.messages.length;
    await planMinutes(10, () => weights().target === 0);
    check(weights().target === 0 && (sim.stack.calls.ModifyListener ?? 0) === modifiesBefore + 1, 'the plan fell back by itself: one ModifyListener, all new traffic on the source proxy');
    const autoAlert = await wait(() => newMessages(from, (m) => /Automatic fallback/.test(m.text ?? '')), 'the alert of the automatic fallback');
    check(autoAlert.text!.includes(`approved by <@${BOB}> with the plan`), 'the alert names who approved the plan');
    sim.stack.setErrorSpike(STAGE, undefined);

    // 10. A gradual plan that runs to completion.
    await banner('time', 'fifteen simulated minutes pass on the source proxy');
    await planMinutes(15);
    from = h.fake.messages.length;
    await slash(ALICE, `plan ${STAGE} 1,5,25,100 every 30m`);
    const fullPlan = await wait(() => newMessages(from, hasButton(APPROVE_ACTION)), 'the plan request message');
    await approveByBob(fullPlan, 'Plan on');
    await banner('time', 'simulated minutes pass while the judge advances the plan');
    const plan = () => h.deps.approvals.plans.latest(STAGE);
    await planMinutes(300, () => plan()?.status === 'ended' || plan()?.status === 'paused');
    check(plan()?.ended?.reason === 'completed', `the plan ran to completion (${plan()?.status} at step ${plan()?.step})`);
    check(weights().source === 0 && weights().target === 100, 'all new traffic on the target proxy');

    await quiet();
    // Real pictures, one per moment: prep's, status's, the guardrail alert's and the plan's automatic fallback's.
    const pictures = transcript.charts.map((name) => ({ name, bytes: readFileSync(join(OUTPUT, name)) }));
    check(
      pictures.length === 4 &&
        pictures.filter((p) => /guardrail-breach/.test(p.name)).length === 2 &&
        pictures.every((p) => p.bytes.length > 10_000 && p.bytes.subarray(1, 4).toString() === 'PNG'),
      "prep, status, the guardrail alert and the automatic fallback's alert each shared one real chart",
    );
    if (process.argv.includes('--docs')) {
      // The README's pictures are the rehearsal's own: `npm run rehearse -- --docs` refreshes them.
      for (const [pattern, file] of [[/baseline/, 'prep-chart.png'], [/guardrail-breach/, 'alert-chart.png'], [/of-requests-on-the-target/, 'status-chart.png']] as const) {
        const picture = pictures.find((p) => pattern.test(p.name) && (file !== 'status-chart.png' || !/guardrail/.test(p.name)));
        if (picture) copyFileSync(join(OUTPUT, picture.name), resolve(process.cwd(), 'docs/images', file));
      }
      out('README pictures updated in docs/images/.\n');
    }
    out(
      `\nRehearsal complete in ${((Date.now() - started) / 1000).toFixed(1)} s: ${step} steps as the runbook expects.\n` +
        `${transcript.charts.length} charts saved in ${OUTPUT}.\n`,
    );
  } finally {
    transcript.flush();
    await (h.deps.core.journal as { close?: () => Promise<void> }).close?.();
    await h.stop();
  }
}

function buttonOf(message: FakeMessage, actionId: string): { value: string; blockId?: string } | undefined {
  for (const block of (message.blocks ?? []) as { block_id?: string; elements?: unknown[]; accessory?: unknown }[]) {
    for (const el of [...(block.elements ?? []), block.accessory] as ({ action_id?: string; value?: string } | undefined)[]) {
      if (el?.action_id === actionId) return { value: el.value ?? '', blockId: block.block_id };
    }
  }
  return undefined;
}

function latest(h: Harness, ts: string): FakeMessage {
  return h.fake.messages.find((m) => m.ts === ts)!;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof StepFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\nrehearsal FAILED: ${message}\n`);
    process.exit(1);
  },
);
