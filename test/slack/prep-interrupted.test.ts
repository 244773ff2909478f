// Issue 12, item 5: a prep interrupted by a stop of the bot. After the restart its progress message says it was
// interrupted and to run prep again, never "running" forever; a prep that ended is left as it is.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/clock';
import { createSimulatedAws } from '../../src/adapters/sim';
import { interruptedPreps, type JournalRecord } from '../../src/core/journal';
import { FakeSlack } from '../support/fake-slack';
import { CHANNEL, OPERATOR, startHarness, type Harness } from '../support/slack-harness';

describe('a prep interrupted by a stop (issue 12, item 5)', () => {
  let fake: FakeSlack;
  let dataDir: string;
  const running: Harness[] = [];
  beforeEach(async () => {
    fake = await FakeSlack.start();
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-prep-'));
  });
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop().catch(() => undefined);
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says in its progress message, after the restart, that it was interrupted and to run prep again', async () => {
    const clock = new ManualClock();
    const simulation = createSimulatedAws({ clock });
    const first = await startHarness({}, { clock }, { fake, dataDir, simulation });
    running.push(first);
    await first.slash('prep dev');
    // dev's target proxy has no tasks: prep scales it and waits (the clock does not move, so it never ends).
    const progress = await fake.waitFor(() => fake.messages.find((m) => m.channel === CHANNEL && /prep/i.test(m.text ?? '')), 'the progress message');
    const journaled = async () => ((await first.deps.core.journal.readAll()) as JournalRecord[]).some((r) => r.type === 'prep.started');
    for (let i = 0; i < 200 && !(await journaled()); i++) await new Promise((r) => setTimeout(r, 10));
    await first.stop(); // SIGTERM mid-prep
    running.splice(0);

    const second = await startHarness({}, { clock: new ManualClock(clock.now()) }, { fake, dataDir, simulation });
    running.push(second);
    const shown = await fake.waitFor(
      () => fake.messages.find((m) => m.ts === progress.ts && /was interrupted/.test(m.text ?? '')),
      'the progress message to say the prep was interrupted',
    );
    expect(shown.text).toContain('Run `/switchover prep dev` again');
    expect(shown.text).toContain(`<@${OPERATOR}>`);
    // Settled once: the next start leaves it alone.
    expect(interruptedPreps(await second.deps.core.journal.readAll())).toEqual([]);
  });
});

describe('interruptedPreps', () => {
  const started = (ts: string): JournalRecord => ({ type: 'prep.started', at: '2026-01-01T12:00:00.000Z', stage: 'dev', by: 'U1', channel: 'C1', messageTs: ts });
  it('finds the preps that started and never ended', () => {
    const ended: JournalRecord = { type: 'prep.ended', at: '2026-01-01T12:05:00.000Z', stage: 'dev', messageTs: '1.1', outcome: 'completed' };
    expect(interruptedPreps([started('1.1'), ended, started('1.2')])).toEqual([started('1.2')]);
  });
});
