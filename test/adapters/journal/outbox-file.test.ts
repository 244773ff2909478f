// The file the Slack outbox keeps its unsent posts and edits in: saved whole, read back record by record
// through a schema, set aside when unreadable.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { JsonFileOutbox } from '../../../src/adapters/journal/outbox-file';

describe('JsonFileOutbox', () => {
  let dir: string;
  let warnings: string[];
  let fields: object[];
  const logger = {
    warn: (f: object, message: string) => {
      fields.push(f);
      warnings.push(message);
    },
  };
  const outbox = () => new JsonFileOutbox(path.join(dir, 'data', 'outbox.json'), z.object({ n: z.number() }), logger);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-test-'));
    warnings = [];
    fields = [];
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('has nothing before anything was saved', async () => {
    await expect(outbox().load()).resolves.toEqual([]);
  });

  it('gives back what was saved last, to another instance too (a restart)', async () => {
    const first = outbox();
    await first.save([{ n: 1 }]);
    await first.save([{ n: 1 }, { n: 2 }]);
    await expect(outbox().load()).resolves.toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('applies saves in the order they were asked for', async () => {
    const o = outbox();
    const saves = [o.save([{ n: 1 }]), o.save([{ n: 1 }, { n: 2 }]), o.save([{ n: 2 }])];
    await Promise.all(saves);
    await expect(o.load()).resolves.toEqual([{ n: 2 }]);
  });

  it('removes the file when the list is empty, and leaves no temporary file behind', async () => {
    const o = outbox();
    await o.save([{ n: 1 }]);
    await o.save([]);
    await expect(fs.readdir(path.join(dir, 'data'))).resolves.toEqual([]);
  });

  it('copies what it is given: changing the list afterwards changes nothing saved', async () => {
    const o = outbox();
    const list = [{ n: 1 }];
    const saving = o.save(list);
    list.push({ n: 2 });
    await saving;
    await expect(o.load()).resolves.toEqual([{ n: 1 }]);
  });

  it('sets an unreadable file aside, says so, and starts empty', async () => {
    const o = outbox();
    await o.save([{ n: 1 }]);
    await fs.writeFile(o.file, '[{"n": 1}, {"n"');
    await expect(o.load()).resolves.toEqual([]);
    expect(warnings).toEqual(['unsent Slack messages could not be read; the file is kept aside']);
    const files = await fs.readdir(path.join(dir, 'data'));
    expect(files).toEqual([expect.stringMatching(/^outbox\.json\.unreadable-\d+$/)]);
  });

  it('skips a record the schema refuses, saying which and why, and keeps the others', async () => {
    const o = outbox();
    await fs.mkdir(path.join(dir, 'data'), { recursive: true });
    await fs.writeFile(o.file, JSON.stringify([{ n: 1 }, { n: 'two' }, { n: 3 }]));
    await expect(o.load()).resolves.toEqual([{ n: 1 }, { n: 3 }]);
    expect(warnings).toEqual(['an unsent Slack message read back is not valid and was skipped']);
    expect(fields[0]).toMatchObject({ record: 2, problem: expect.stringMatching(/^n: /) });
  });
});
