import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal';
import type { JournalRecord } from '../../../src/core/journal';

function record(n: number, stage = 'dev'): JournalRecord {
  return {
    type: 'request.posted',
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    stage,
    requestId: `r-${String(n).padStart(10, '0')}`,
    channel: 'C123',
    messageTs: `1700000000.${n}`,
  };
}

describe('JsonlJournal', () => {
  let dir: string;
  let warnings: string[];
  const logger = { warn: (m: string) => warnings.push(m) };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-test-'));
    warnings = [];
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads nothing (and creates nothing) before the first append', async () => {
    const journal = new JsonlJournal(path.join(dir, 'data'), logger);
    expect(await journal.readAll()).toEqual([]);
    await expect(fs.access(path.join(dir, 'data'))).rejects.toThrow();
  });

  it('creates the directory and writes one JSON line per record, oldest first', async () => {
    const journal = new JsonlJournal(path.join(dir, 'a', 'b'), logger);
    await journal.append(record(1));
    await journal.append(record(2));
    const text = await fs.readFile(path.join(dir, 'a', 'b', 'journal.jsonl'), 'utf8');
    expect(text.split('\n')).toEqual([JSON.stringify(record(1)), JSON.stringify(record(2)), '']);
    expect(await journal.readAll()).toEqual([record(1), record(2)]);
    await journal.close();
    expect(warnings).toEqual([]);
  });

  it('syncs each record to disk after writing it and before append resolves', async () => {
    const journal = new JsonlJournal(dir, logger);
    await journal.append(record(1)); // opens the file handle
    const handle = (journal as unknown as { handle: object }).handle;
    const proto = Object.getPrototypeOf(handle) as { writeFile: () => unknown; sync: () => unknown };
    const events: string[] = [];
    const realWrite = proto.writeFile;
    const realSync = proto.sync;
    const writeSpy = jest.spyOn(proto, 'writeFile').mockImplementation(function (this: unknown, ...args: unknown[]) {
      events.push('write');
      return (realWrite as (...a: unknown[]) => unknown).apply(this, args) as never;
    });
    const syncSpy = jest.spyOn(proto, 'sync').mockImplementation(function (this: unknown) {
      events.push('sync');
      return (realSync as () => unknown).apply(this) as never;
    });
    try {
      await journal.append(record(2)).then(() => events.push('resolved'));
    } finally {
      writeSpy.mockRestore();
      syncSpy.mockRestore();
    }
    expect(events).toEqual(['write', 'sync', 'resolved']);
    await journal.close();
  });

  it('never interleaves concurrent appends and keeps their order', async () => {
    const journal = new JsonlJournal(dir, logger);
    const records = Array.from({ length: 200 }, (_, i) => record(i));
    await Promise.all(records.map((r) => journal.append(r)));
    expect(await journal.readAll()).toEqual(records);
    const lines = (await fs.readFile(journal.file, 'utf8')).split('\n');
    expect(lines).toHaveLength(201);
    expect(warnings).toEqual([]);
    await journal.close();
  });

  it('survives a restart: a new journal over the same directory reads what the old one wrote', async () => {
    const first = new JsonlJournal(dir, logger);
    await first.append(record(1));
    await first.close();
    const second = new JsonlJournal(dir, logger);
    await second.append(record(2));
    expect(await second.readAll()).toEqual([record(1), record(2)]);
    await second.close();
  });

  it('skips a torn last line with a warning, and the next append starts on a fresh line', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const torn = JSON.stringify(record(2)).slice(0, 40);
    await fs.writeFile(file, `${JSON.stringify(record(1))}\n${torn}`);
    const journal = new JsonlJournal(dir, logger);

    expect(await journal.readAll()).toEqual([record(1)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/last line \(2\) is incomplete/);

    warnings = [];
    await journal.append(record(3));
    expect(await journal.readAll()).toEqual([record(1), record(3)]);
    // The torn bytes are kept aside for inspection, never glued onto a record.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/moved to .*journal\.jsonl\.torn-/);
    const aside = (await fs.readdir(dir)).filter((f) => f.startsWith('journal.jsonl.torn-'));
    expect(aside).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, aside[0]!), 'utf8')).toBe(torn);
    expect(await fs.readFile(file, 'utf8')).toBe(`${JSON.stringify(record(1))}\n${JSON.stringify(record(3))}\n`);
    await journal.close();
  });

  it('treats a complete-looking last line without its newline as torn, consistently before and after the next append', async () => {
    const file = path.join(dir, 'journal.jsonl');
    await fs.writeFile(file, `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}`);
    const journal = new JsonlJournal(dir, logger);
    expect(await journal.readAll()).toEqual([record(1)]);
    await journal.append(record(3));
    expect(await journal.readAll()).toEqual([record(1), record(3)]);
    await journal.close();
  });

  it('skips a corrupt line in the middle with a warning naming its line number', async () => {
    const file = path.join(dir, 'journal.jsonl');
    await fs.writeFile(file, [JSON.stringify(record(1)), '{"type": oops', '42', '{}', JSON.stringify(record(2)), ''].join('\n'));
    const journal = new JsonlJournal(dir, logger);
    expect(await journal.readAll()).toEqual([record(1), record(2)]);
    expect(warnings.map((w) => w.match(/line (\d+)/)?.[1])).toEqual(['2', '3', '4']);
    await journal.append(record(3));
    expect(await journal.readAll()).toEqual([record(1), record(2), record(3)]);
    await journal.close();
  });

  it('reports a failed write, leaves no record of it, and keeps working afterwards', async () => {
    const journal = new JsonlJournal(dir, logger);
    await journal.append(record(1));
    const handle = (journal as unknown as { handle: object }).handle;
    const proto = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    const sync = jest.spyOn(proto, 'sync').mockRejectedValueOnce(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    await expect(journal.append(record(2))).rejects.toThrow(/could not write to the journal .*ENOSPC/);
    sync.mockRestore();
    await journal.append(record(3));
    expect(await journal.readAll()).toEqual([record(1), record(3)]);
    expect(warnings).toEqual([]);
    await journal.close();
  });

  it('skips records that fail the schema (an id that is a number, a time that does not parse, a missing request ID), naming the line', async () => {
    const file = path.join(dir, 'journal.jsonl');
    const lines = [
      JSON.stringify(record(1)),
      JSON.stringify({ ...record(2), requestId: 42 }),
      JSON.stringify({ ...record(3), at: 'yesterday' }),
      JSON.stringify({ type: 'request.cancelled', at: record(4).at, stage: 'dev', by: 'U1' }),
      JSON.stringify({ type: 'something.new', at: record(5).at, stage: 'dev' }),
      JSON.stringify(record(6)),
    ];
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    const journal = new JsonlJournal(dir, logger);
    expect(await journal.readAll()).toEqual([record(1), record(6)]);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/line 2 is not a valid record \(requestId: .*\) and was skipped/);
    expect(warnings[1]).toMatch(/line 3 is not a valid record \(at: not a time\)/);
    expect(warnings[2]).toMatch(/line 4 is not a valid record \(requestId: /);
    expect(warnings[3]).toMatch(/line 5 is not a valid record/);
    await journal.close();
  });

  it('refuses to write a record that fails the schema (a cancellation without the ID of its request), and writes nothing', async () => {
    const journal = new JsonlJournal(dir, logger);
    const cancellation = { type: 'request.cancelled', at: record(1).at, stage: 'dev', by: 'U1' } as unknown as JournalRecord;
    await expect(journal.append(cancellation)).rejects.toThrow(/refused to write an invalid request.cancelled record \(requestId: /);
    await expect(journal.append({ ...record(2), channel: ['C1', 'C2'] } as unknown as JournalRecord)).rejects.toThrow(/channel: /);
    expect(await journal.readAll()).toEqual([]);
    await journal.append(record(3));
    expect(await journal.readAll()).toEqual([record(3)]);
    await journal.close();
  });
});
