// One bot per data directory: the lock file, its lease, waiting for it, taking over an abandoned one, and the
// fence: a holder whose lock is gone, replaced or possibly taken over (it was paused) acts no more.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataDirLock, DataDirLockHeldError, DataDirLockLostError, fenced, LOCK_FILE, type LockHolder } from '../../../src/adapters/journal/data-dir-lock';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal';
import { startBackground, stopBackground } from '../../../src/background';
import { buildDeps } from '../../../src/composition';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';

// Stale only after 10 s, so that a slow machine never turns a waiting case into a takeover.
const FAST = { heartbeatMs: 20, staleAfterMs: 10_000, waitMs: 250, pollMs: 10 };

describe('DataDirLock', () => {
  let dir: string;
  const locks: DataDirLock[] = [];
  const lock = (options = {}) => {
    const made = new DataDirLock(dir, { ...FAST, ...options });
    locks.push(made);
    return made;
  };
  const lockFile = () => path.join(dir, LOCK_FILE);
  const holderOnDisk = async () => JSON.parse(await fs.readFile(lockFile(), 'utf8')) as LockHolder;
  const ageOnDisk = async () => Date.now() - (await fs.stat(lockFile())).mtimeMs;

  async function plantLock(holder: Partial<LockHolder>, ageMs: number): Promise<void> {
    await fs.writeFile(lockFile(), JSON.stringify({ pid: 1, host: 'another-host', since: '2026-11-21T00:00:00.000Z', token: 't', ...holder }));
    const then = new Date(Date.now() - ageMs);
    await fs.utimes(lockFile(), then, then);
  }

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-dir-lock-'));
  });
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.release();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates the lock file naming this process and host, and removes it on release', async () => {
    const l = lock();
    await l.acquire();
    expect(await holderOnDisk()).toMatchObject({ pid: process.pid, host: os.hostname() });
    await l.release();
    await expect(fs.stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes an option given as undefined as its default', async () => {
    const l = new DataDirLock(dir, { heartbeatMs: undefined, staleAfterMs: undefined, waitMs: undefined, pollMs: undefined, now: undefined });
    locks.push(l);
    await l.acquire();
    expect(l.holds).toBe(true);
    await expect(l.assertHeld()).resolves.toBeUndefined();
  });

  it('creates the data directory if it does not exist yet', async () => {
    const nested = new DataDirLock(path.join(dir, 'a', 'b'), FAST);
    locks.push(nested);
    await nested.acquire();
    await expect(fs.stat(path.join(dir, 'a', 'b', LOCK_FILE))).resolves.toBeDefined();
  });

  it('keeps its lease fresh while held', async () => {
    const l = lock();
    await l.acquire();
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockFile(), old, old);
    const until = Date.now() + 5_000;
    while ((await ageOnDisk()) > 5_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(await ageOnDisk()).toBeLessThan(5_000);
  });

  it('refuses a second holder while the first holds a fresh lease, saying who holds it and what to do', async () => {
    await lock().acquire();
    const error = await lock().acquire().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataDirLockHeldError);
    const message = (error as Error).message;
    expect(message).toContain(`process ${process.pid} on ${os.hostname()}`);
    expect(message).toContain(lockFile());
    expect(message).toMatch(/Stop the other one, or give this one its own SWITCHOVER_DATA_DIR/);
  });

  it('waits for a holder that is stopping, and takes the lock when it is released', async () => {
    const first = lock();
    await first.acquire();
    const firstToken = (await holderOnDisk()).token;
    const second = lock({ waitMs: 2_000 });
    const taking = second.acquire();
    await new Promise((r) => setTimeout(r, 50));
    await first.release();
    await taking;
    expect((await holderOnDisk()).token).not.toBe(firstToken);
    await second.release();
    await expect(fs.stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lease nobody refreshed for longer than staleAfterMs (a crashed bot on another host)', async () => {
    await plantLock({ host: 'another-host' }, 60_000);
    const l = lock();
    await l.acquire();
    expect(await holderOnDisk()).toMatchObject({ pid: process.pid, host: os.hostname() });
  });

  it('waits on a fresh lease of another host, however the lock file reads', async () => {
    await plantLock({ host: 'another-host' }, 0);
    await expect(lock().acquire()).rejects.toBeInstanceOf(DataDirLockHeldError);
    await fs.writeFile(lockFile(), '{"pid":');
    await expect(lock().acquire()).rejects.toThrow('a holder that left no name');
  });

  it('never takes over a fresh lease naming this very pid and host (two containers, both pid 1 on one host name)', async () => {
    await plantLock({ host: os.hostname(), pid: process.pid, token: 'the-other-container' }, 0);
    await expect(lock().acquire()).rejects.toBeInstanceOf(DataDirLockHeldError);
    expect((await holderOnDisk()).token).toBe('the-other-container');
  });

  describe('fencing', () => {
    const record = { type: 'request.posted', at: '2026-01-01T12:00:00.000Z', stage: 'dev', requestId: 'r-1', channel: 'C1', messageTs: '1.2' } as const;

    it('lock file deleted: the holder refuses every journal append and AWS write from then on, and says so once', async () => {
      const lost: DataDirLockLostError[] = [];
      const l = lock({ onLost: (e: DataDirLockLostError) => lost.push(e) });
      await l.acquire();
      const journal = new JsonlJournal(dir);
      const guarded = fenced(journal, ['append'], l);
      await guarded.append(record);
      await fs.rm(lockFile());

      await expect(guarded.append(record)).rejects.toThrow('the lock file was removed');
      const writes = { setWeights: jest.fn(async () => undefined) };
      await expect(fenced(writes, ['setWeights'], l).setWeights()).rejects.toBeInstanceOf(DataDirLockLostError);
      expect(writes.setWeights).not.toHaveBeenCalled();
      expect(lost).toHaveLength(1);
      expect(lost[0]!.message).toContain('stops without changing anything more');
      expect(await journal.readAll()).toHaveLength(1);
      await journal.close();
      // Another bot may now take the directory; the first never touches the new lock.
      const second = lock();
      await second.acquire();
      await l.release();
      await expect(second.assertHeld()).resolves.toBeUndefined();
    });

    it('the lock taken over by another bot: the heartbeat finds it and tells the holder it is lost', async () => {
      const lost: DataDirLockLostError[] = [];
      const l = lock({ onLost: (e: DataDirLockLostError) => lost.push(e) });
      await l.acquire();
      await plantLock({ host: 'another-host', token: 'the-new-holder' }, 0);
      for (let i = 0; i < 250 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(lost[0]?.message).toContain('the lock file now names process 1 on another-host');
    });

    it('holder paused 35 s: it stops before acting, and a newcomer takes the stale lease over', async () => {
      let pausedMs = 0;
      const now = () => Date.now() + pausedMs;
      const lost: DataDirLockLostError[] = [];
      const first = lock({ staleAfterMs: 30_000, heartbeatMs: 60_000, now, onLost: (e: DataDirLockLostError) => lost.push(e) });
      await first.acquire();
      await expect(first.assertHeld()).resolves.toBeUndefined();

      // The pause: no heartbeat ran for 35 s, so the file's time is 35 s old and so is the holder's last refresh.
      pausedMs = 35_000;
      const then = new Date(Date.now() - 35_000);
      await fs.utimes(lockFile(), then, then);
      const second = lock({ staleAfterMs: 30_000 });
      await second.acquire();

      const writes = { setWeights: jest.fn(async () => undefined) };
      await expect(fenced(writes, ['setWeights'], first).setWeights()).rejects.toThrow('its lease was not refreshed for 35 s');
      expect(writes.setWeights).not.toHaveBeenCalled();
      expect(lost).toHaveLength(1);
      await expect(second.assertHeld()).resolves.toBeUndefined();
    });

    it('a holder stops acting already after half the takeover age without a refresh, before anyone can take over', async () => {
      let pausedMs = 0;
      const l = lock({ staleAfterMs: 30_000, heartbeatMs: 60_000, now: () => Date.now() + pausedMs });
      await l.acquire();
      pausedMs = 14_000;
      await expect(l.assertHeld()).resolves.toBeUndefined();
      pausedMs = 16_000;
      await expect(l.assertHeld()).rejects.toBeInstanceOf(DataDirLockLostError);
    });
  });

  it('does not remove on release a lock another bot has taken over meanwhile', async () => {
    const l = lock();
    await l.acquire();
    await plantLock({ host: 'another-host', token: 'the-new-holder' }, 0);
    await l.release();
    expect((await holderOnDisk()).token).toBe('the-new-holder');
  });
});

describe('the bot and its data directory', () => {
  it('does not start a second bot on a data directory another one holds, and does once the first has stopped', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'data-dir-lock-bot-'));
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SWITCHOVER_SIMULATE: 'true', SWITCHOVER_DATA_DIR: dir });
    const logger = createLogger({ level: 'silent' });
    const first = buildDeps(config, logger, { dataDirLock: FAST });
    const second = buildDeps(config, logger, { dataDirLock: FAST });
    try {
      await startBackground(first.background, logger);
      await expect(startBackground(second.background, logger)).rejects.toBeInstanceOf(DataDirLockHeldError);
      await stopBackground(first.background, logger);
      await startBackground(second.background, logger);
    } finally {
      await stopBackground(second.background, logger);
      await stopBackground(first.background, logger);
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
