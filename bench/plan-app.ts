// A plan's automatic fallback through the whole app: the simulated stack with L ms per AWS call (real time), the
// watch's minutes on a ManualClock, the fake Slack. A plan is requested, approved, a 5xx spike starts on the
// target mid-bake; measured: simulated minutes from the spike to the automatic ModifyListener, ticks between the
// watch's first breach record and that write (goal: at most one), and the real time from the ModifyListener to
// the plan message showing the fallback (goal: 3.5 x L at most).
import { ManualClock } from '../src/adapters/clock';
import { createSimulatedAws } from '../src/adapters/sim';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK } from '../src/blocks/request';
import { MINUTE_MS } from '../src/core/types';
import { OPERATOR, startHarness } from '../test/support/slack-harness';
import { APPROVER, findButton, findCall, stampAws, stampCalls, stopQuietly, until } from './app-figures';

export interface PlanFallbackFigures {
  /** Per run: simulated minutes from the spike's first minute to the tick that wrote the fallback. */
  onsetToModifyMinutes: number[];
  /** Per run: ticks between the tick that journaled the breach and the one that wrote the fallback. */
  extraTicks: number[];
  /** Per run: real ms from the ModifyListener reaching AWS to the plan message's update reaching Slack. */
  modifyToUpdatedMs: number[];
}

// staging runs its target proxy from the start (dev needs a prep first).
const STAGE = 'staging';
const RUNS = 3;

export async function measurePlanFallback(latencyMs: number, say: (line: string) => void): Promise<PlanFallbackFigures> {
  const clock = new ManualClock();
  const sim = createSimulatedAws({ clock });
  sim.stack.faults['*'] = { latencyMs };
  const aws = stampAws(sim);
  const h = await startHarness({ LOG_LEVEL: 'info' }, { clock }, { simulation: sim });
  const slackStamps = stampCalls(h.fake);
  const figures: PlanFallbackFigures = { onsetToModifyMinutes: [], extraTicks: [], modifyToUpdatedMs: [] };
  /** One simulated minute; its tick (AWS calls take L of real time each) is waited for. */
  const minute = async () => {
    await clock.advance(MINUTE_MS);
    await until(() => (h.deps.watcher.idle ? true : undefined), 'the watch tick', 30_000);
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      say(`plan: automatic fallback, run ${run + 1} of ${RUNS}`);
      sim.stack.setErrorSpike(STAGE, undefined);
      for (let i = 0; i < 10; i++) await minute();
      const fromCall = h.fake.calls.length;
      await h.slash(`plan ${STAGE} 25,100 every 30m`, { user: OPERATOR });
      const posted = await until(
        () => findCall(h.fake, fromCall, (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args.blocks ?? []).includes(APPROVE_ACTION)),
        'the plan request message',
      );
      const approve = findButton(h.fake.calls[posted]!.args.blocks, APPROVE_ACTION)!;
      const ts = await until(() => h.deps.approvals.get(approve.value)?.messageTs, 'the request message ts');
      const beforeClick = h.fake.calls.length;
      await h.click(APPROVE_ACTION, approve.value, { user: APPROVER, messageTs: ts, blockId: approve.blockId });
      await until(() => findCall(h.fake, beforeClick, (c) => c.method === 'views.open'), 'the confirmation dialog');
      await h.submitView(APPROVE_CONFIRM_CALLBACK, approve.value, APPROVER);
      await until(() => (h.deps.approvals.plans.get(approve.value)?.status === 'running' ? true : undefined), 'the plan to run', 20_000);
      for (let i = 0; i < 3; i++) await minute();

      sim.stack.setErrorSpike(STAGE, 0.2);
      const fromAws = aws.length;
      const fromUpdate = h.fake.calls.length;
      let breachTick: number | undefined;
      let modifyTick: number | undefined;
      for (let tick = 1; tick <= 15 && modifyTick === undefined; tick++) {
        await minute();
        const records = await h.deps.core.journal.readAll();
        if (breachTick === undefined && records.some((r) => r.type === 'guardrail.breached' && r.requestId === approve.value)) breachTick = tick;
        if (aws.slice(fromAws).some((a) => a.operation === 'ModifyListener')) modifyTick = tick;
      }
      if (modifyTick === undefined) throw new Error('the plan did not fall back within 15 simulated minutes of the spike');
      const modify = aws.slice(fromAws).find((a) => a.operation === 'ModifyListener')!;
      const updated = await until(
        () => findCall(h.fake, fromUpdate, (c) => c.method === 'chat.update' && c.args.ts === ts && /fallen back automatically/.test(String(c.args.text ?? ''))),
        'the plan message to show the fallback',
      );
      const updatedAt = await until(() => slackStamps[updated], 'the stamp');
      // The spike begins with the minute after it is set: the first minute read at the next tick.
      figures.onsetToModifyMinutes.push(modifyTick);
      figures.extraTicks.push(modifyTick - (breachTick ?? modifyTick));
      figures.modifyToUpdatedMs.push(updatedAt - modify.at);
    }
    return figures;
  } finally {
    await stopQuietly(h);
  }
}
