// Issue 12, item 4, through the Slack harness on the simulated stack: a journal with damaged records (an id that
// is a number, a time that does not parse, a cancellation without its request's ID) never breaks a stage:
// status, history, shift and cancel answer, each bad line is skipped with a warning naming it, and a JavaScript
// runtime error never reaches a user as raw text.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_FILE } from '../../../src/adapters/journal/jsonl-journal';
import { INTERNAL_ERROR_TEXT } from '../../../src/core/format';
import { ALICE, BOB, command, request, startRequestHarness, T0, type RequestHarness } from '../../listeners/actions/request-support';

const at = (minute: number) => new Date(T0 - 60 * 60_000 + minute * 60_000).toISOString();
const weights = { source: 100, target: 0 };

/** A journal as found after a hand edit and an older, buggier bot: good records around damaged ones. */
function damagedJournal(): string {
  const created = (requestId: unknown, time: string, expiresAt: string) => ({
    type: 'request.created',
    at: time,
    stage: 'staging',
    requestId,
    kind: 'shift',
    requester: ALICE,
    channel: 'C0SWITCH',
    from: weights,
    to: { source: 90, target: 10 },
    percent: 10,
    expiresAt,
  });
  return [
    created('r-good000001', at(0), at(15)),
    { type: 'request.rejected', at: at(1), stage: 'staging', requestId: 'r-good000001', by: BOB },
    created(42, at(2), at(17)), // "id.startsWith is not a function"
    created('r-badtime001', 'yesterday', at(17)), // "Invalid time value"
    created('r-badexpiry1', at(3), 'never'),
    { type: 'request.cancelled', at: at(4), stage: 'staging', by: ALICE }, // closes nothing
    { type: 'request.approved', at: at(5), stage: 'staging', requestId: 'r-good000001', approver: { id: BOB } },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n')
    .concat('\n');
}

describe('a damaged journal never breaks a stage (issue 12, item 4)', () => {
  let h: RequestHarness;
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-damaged-'));
    await writeFile(join(dataDir, JOURNAL_FILE), damagedJournal());
    h = await startRequestHarness({}, { dataDir });
  });
  afterEach(async () => {
    await h.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('skips each invalid record with a warning naming its line; status, history, shift and cancel work', async () => {
    const warnings = h.logs().filter((l) => typeof l.msg === 'string' && /is not a valid record/.test(l.msg as string));
    expect(warnings.map((w) => /line (\d+)/.exec(w.msg as string)![1])).toEqual(['3', '4', '5', '6', '7']);

    const sent = await h.slash('status staging');
    const status = await h.fake.waitFor(() => h.fake.messages.find((m) => /Switchover status/.test(m.text ?? '')), 'the status message');
    expect(JSON.stringify(status)).not.toMatch(/Invalid time value|is not a function/);
    expect(h.responsesTo(sent)).toEqual([]);

    const history = await command(h, 'history staging');
    expect(history).not.toMatch(/Invalid time value|is not a function|could not read/);
    const page = await h.deps.approvals.history('staging');
    expect(page.entries.map((e) => e.requestId)).toEqual(['r-good000001', 'r-good000001']);

    const { request: req } = await request(h, 'shift staging 10');
    expect(await command(h, 'cancel staging')).toContain(`Cancelled <@${ALICE}>'s request ${req.id}`);
    expect(h.deps.approvals.get(req.id)!.status).toBe('cancelled');
  });

  it('shows what failed in words, never a JavaScript runtime error, when a port throws one', async () => {
    // The adapter behind the core's (fenced) port.
    jest.spyOn(h.deps.simulation!.ports.loadBalancer, 'readListener').mockRejectedValue(new TypeError('id.startsWith is not a function'));
    const reply = await command(h, 'shift staging 10');
    expect(reply).toContain(`Could not read the switchover listener of staging: ${INTERNAL_ERROR_TEXT}`);
    expect(reply).not.toContain('startsWith');
  });
});
