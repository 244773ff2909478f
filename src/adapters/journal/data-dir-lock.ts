// One bot per data directory. Two processes appending to one journal would each act on state the other cannot
// see: a request approved on one and applied again on the other, a watch run twice. That happens by mistake
// (a second copy started beside the first) and by design of rolling deployments, where the new task starts
// before the old one has stopped (two tasks on one EFS volume).
//
// The lock is a file created exclusively, naming its holder, whose modification time the holder refreshes
// every few seconds (a lease: it works across hosts on a shared volume, where a pid means nothing). A newcomer
// waits while the lease is fresh, and takes it over once it has not been refreshed for a while, or at once when
// the holder is a process of this host that no longer exists.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'switchover.lock';

/** Tokens of the locks this process holds: a lock naming this pid but none of these is an earlier process's. */
const heldHere = new Set<string>();

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  since: string;
  /** Tells a holder its own lock from one that replaced it. */
  token: string;
}

export interface DataDirLockOptions {
  /** How often the holder refreshes the lease. */
  heartbeatMs?: number;
  /** A lease not refreshed for this long is abandoned (its holder crashed or its host went away). */
  staleAfterMs?: number;
  /** How long to wait for a held lock before giving up. Longer than a stopping bot takes (10 s) plus staleAfterMs. */
  waitMs?: number;
  pollMs?: number;
  logger?: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export class DataDirLockHeldError extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder | undefined,
    waitedMs: number,
  ) {
    super(
      `Another switchover-bot holds the data directory (${file}: ${describeHolder(holder)}); waited ${Math.round(waitedMs / 1000)} s. ` +
        'Two bots on one journal would each act on requests the other cannot see. Stop the other one, or give this one ' +
        'its own SWITCHOVER_DATA_DIR; if no other bot runs, delete the lock file.',
    );
    this.name = 'DataDirLockHeldError';
  }
}

export class DataDirLock {
  readonly file: string;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private held: LockHolder | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private readonly options: DataDirLockOptions = {},
  ) {
    this.file = path.join(dir, LOCK_FILE);
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    this.waitMs = options.waitMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  /** Takes the lock, waiting for its holder to release it or abandon it; throws DataDirLockHeldError after waitMs. */
  async acquire(): Promise<void> {
    if (this.held) return;
    await fs.mkdir(this.dir, { recursive: true });
    const started = Date.now();
    let said = false;
    for (;;) {
      const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), token: randomUUID() };
      if (await this.create(me)) {
        this.held = me;
        heldHere.add(me.token);
        this.heartbeat = setInterval(() => void this.refresh(), this.heartbeatMs);
        this.heartbeat.unref();
        return;
      }
      const { holder, ageMs } = await this.inspect();
      if (ageMs === undefined) continue; // released between our attempt and our look: try again at once
      if (ageMs > this.staleAfterMs || (holder && holderIsGone(holder))) {
        // Not atomic with the create below: two newcomers taking over one abandoned lock at the same instant
        // could both remove it, the later removing the other's fresh lock. Narrow, and not handled.
        this.options.logger?.warn({ holder, ageMs }, 'taking over the data directory lock of a bot that is gone');
        await fs.rm(this.file, { force: true });
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= this.waitMs) throw new DataDirLockHeldError(this.file, holder, waited);
      if (!said) {
        this.options.logger?.info({ holder, file: this.file }, 'waiting for another switchover-bot to release the data directory');
        said = true;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, this.waitMs - waited)));
    }
  }

  /** Gives the lock up, unless another bot has taken it over meanwhile. */
  async release(): Promise<void> {
    const me = this.held;
    if (!me) return;
    this.held = undefined;
    heldHere.delete(me.token);
    clearInterval(this.heartbeat);
    const { holder } = await this.inspect();
    if (holder?.token === me.token) await fs.rm(this.file, { force: true });
  }

  private async create(me: LockHolder): Promise<boolean> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.file, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      await handle.writeFile(`${JSON.stringify(me)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  }

  /** Who holds the lock and how long since they refreshed it; no age when there is no lock file. */
  private async inspect(): Promise<{ holder?: LockHolder; ageMs?: number }> {
    try {
      const [text, stat] = await Promise.all([fs.readFile(this.file, 'utf8'), fs.stat(this.file)]);
      return { holder: parseHolder(text), ageMs: Math.max(0, Date.now() - stat.mtimeMs) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  private async refresh(): Promise<void> {
    if (!this.held) return; // released since this beat was scheduled
    const now = new Date();
    // A failed refresh is retried at the next beat; only staleAfterMs of them in a row would lose the lease.
    await fs.utimes(this.file, now, now).catch((error: unknown) =>
      this.options.logger?.warn({ err: error, file: this.file }, 'could not refresh the data directory lock'),
    );
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'string' && typeof value.token === 'string') {
      return value as LockHolder;
    }
  } catch {
    // A holder that crashed while writing it: only the lease's age says anything.
  }
  return undefined;
}

/**
 * Whether the holder is a process of this host that no longer runs. A restarted container runs the bot under
 * the same pid (1) and host name as before: a lock with our pid that this process did not take is the last run's.
 */
function holderIsGone(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  return holder.pid === process.pid ? !heldHere.has(holder.token) : !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a holder that left no name';
}
