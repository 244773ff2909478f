// One bot per data directory. Two processes appending to one journal would each act on state the other cannot
// see: a request approved on one and applied again on the other, a watch run twice. That happens by mistake
// (a second copy started beside the first) and by design of rolling deployments, where the new task starts
// before the old one has stopped (two tasks on one EFS volume).
//
// The lock is a file created exclusively, naming its holder, whose modification time the holder refreshes
// every few seconds (a lease: it works across hosts on a shared volume). A newcomer waits while the lease is
// fresh and takes it over only once it has gone unrefreshed for staleAfterMs: a pid and host name prove
// nothing (two containers are both pid 1, often on one host name). The lock fences: before every journal
// append and every AWS write (fenced()) the holder checks that the file still carries its token and that its
// own last refresh is recent enough that nobody can have taken the lease over (a process paused for 35 s);
// when either fails the lock is lost for good, onLost is told once, and every fenced call is refused.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

export const LOCK_FILE = 'switchover.lock';

const LockHolderSchema = z.object({
  pid: z.number(),
  host: z.string(),
  /** ISO time the holder took the lock. */
  since: z.string(),
  /** Tells a holder its own lock from one that replaced it. */
  token: z.string(),
});
export type LockHolder = z.infer<typeof LockHolderSchema>;

export interface DataDirLockOptions {
  /** How often the holder refreshes the lease. */
  heartbeatMs?: number;
  /** A lease not refreshed for this long is abandoned (its holder crashed or its host went away). */
  staleAfterMs?: number;
  /** How long to wait for a held lock before giving up. Longer than a stopping bot takes (10 s) plus staleAfterMs. */
  waitMs?: number;
  pollMs?: number;
  /** Told once, when the lock is found no longer this bot's: the bot must stop acting (and exit). */
  onLost?: (error: DataDirLockLostError) => void;
  /** Milliseconds since the epoch (tests move it to play a paused process). */
  now?: () => number;
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

export class DataDirLockLostError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(
      `This switchover-bot no longer holds its data directory (${file}): ${reason}. Another bot may be acting on the ` +
        'same journal, so this one stops without changing anything more. Make sure only one bot runs per SWITCHOVER_DATA_DIR, then start it again.',
    );
    this.name = 'DataDirLockLostError';
  }
}

export class DataDirLock {
  readonly file: string;
  private readonly settings: Required<Pick<DataDirLockOptions, 'heartbeatMs' | 'staleAfterMs' | 'waitMs' | 'pollMs' | 'now'>>;
  private held: LockHolder | undefined;
  /** When the holder last saw the lease as its own, refreshed (now()). */
  private confirmedAt = 0;
  private lost: DataDirLockLostError | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private readonly options: DataDirLockOptions = {},
  ) {
    this.file = path.join(dir, LOCK_FILE);
    // Defaults by destructuring, so an option given as undefined gets its default too (a spread would keep undefined).
    const { heartbeatMs = 5_000, staleAfterMs = 30_000, waitMs = 60_000, pollMs = 1_000, now = Date.now } = options;
    this.settings = { heartbeatMs, staleAfterMs, waitMs, pollMs, now };
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
        this.lost = undefined;
        this.confirmedAt = this.settings.now();
        this.heartbeat = setInterval(() => void this.refresh(), this.settings.heartbeatMs);
        this.heartbeat.unref();
        return;
      }
      const { holder, ageMs } = await this.inspect();
      if (ageMs === undefined) continue; // released between our attempt and our look: try again at once
      if (ageMs > this.settings.staleAfterMs) {
        // Not atomic with the create below: two newcomers taking over one abandoned lock at the same instant
        // could both remove it, the later removing the other's fresh lock. Narrow, and not handled.
        this.options.logger?.warn({ holder, ageMs }, 'taking over the data directory lock of a bot that is gone');
        await fs.rm(this.file, { force: true });
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= this.settings.waitMs) throw new DataDirLockHeldError(this.file, holder, waited);
      if (!said) {
        this.options.logger?.info({ holder, file: this.file }, 'waiting for another switchover-bot to release the data directory');
        said = true;
      }
      await sleep(Math.min(this.settings.pollMs, this.settings.waitMs - waited));
    }
  }

  /** Gives the lock up, unless another bot has taken it over meanwhile. */
  async release(): Promise<void> {
    const me = this.held;
    if (!me) return;
    this.held = undefined;
    clearInterval(this.heartbeat);
    const { holder } = await this.inspect();
    if (holder?.token === me.token) await fs.rm(this.file, { force: true });
  }

  /** Whether this bot holds the lock and refreshed it lately, read without touching the disk (health reports). */
  get holds(): boolean {
    return this.held !== undefined && this.lost === undefined && this.settings.now() - this.confirmedAt <= this.settings.staleAfterMs / 2;
  }

  /**
   * Resolves when this bot still holds the lock; otherwise the lock is lost (onLost is told) and this throws
   * DataDirLockLostError. Called before every journal append and AWS write.
   */
  async assertHeld(): Promise<void> {
    if (this.lost) throw this.lost;
    const me = this.held;
    if (!me) throw this.lose('the lock was never taken or was released');
    // Half the takeover age: whoever takes a stale lease over waits staleAfterMs, so a holder that has not
    // refreshed for half of it stops first, with room for the write it was about to make.
    const sinceConfirmed = this.settings.now() - this.confirmedAt;
    if (sinceConfirmed > this.settings.staleAfterMs / 2) {
      throw this.lose(`its lease was not refreshed for ${Math.round(sinceConfirmed / 1000)} s (the process was paused or the disk hung), so another bot may have taken it over`);
    }
    const { holder } = await this.inspect();
    if (this.lost) throw this.lost;
    if (!holder) throw this.lose('the lock file was removed');
    if (holder.token !== me.token) throw this.lose(`the lock file now names ${describeHolder(holder)}`);
  }

  private lose(reason: string): DataDirLockLostError {
    if (!this.lost) {
      this.lost = new DataDirLockLostError(this.file, reason);
      clearInterval(this.heartbeat);
      this.options.onLost?.(this.lost);
    }
    return this.lost;
  }

  private async create(me: LockHolder): Promise<boolean> {
    try {
      // 'wx': created only if there is none (atomic); flush: synced before it counts as taken.
      await fs.writeFile(this.file, `${JSON.stringify(me)}\n`, { flag: 'wx', flush: true });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
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

  /** One heartbeat: the lease is still ours (or lost, said once), then its time is moved on. */
  private async refresh(): Promise<void> {
    if (!this.held || this.lost) return; // released or lost since this beat was scheduled
    try {
      await this.assertHeld();
    } catch {
      return;
    }
    const now = new Date();
    try {
      await fs.utimes(this.file, now, now);
      this.confirmedAt = this.settings.now();
    } catch (error) {
      // Retried at the next beat; assertHeld() refuses writes once too many have failed in a row.
      this.options.logger?.warn({ err: error, file: this.file }, 'could not refresh the data directory lock');
    }
  }
}

/**
 * A port whose `methods` first check that the lock is still this bot's (DataDirLock.assertHeld): the journal's
 * append and the AWS writes, so a bot that lost its lock never acts again.
 */
export function fenced<T extends object>(port: T, methods: readonly (keyof T)[], lock: Pick<DataDirLock, 'assertHeld'>): T {
  const guarded = new Set<PropertyKey>(methods);
  return new Proxy(port, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      if (!guarded.has(name)) return value.bind(target);
      return async (...args: unknown[]) => {
        await lock.assertHeld();
        return value.apply(target, args);
      };
    },
  });
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    return LockHolderSchema.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined; // a holder that crashed while writing it: only the lease's age says anything
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a holder that left no name';
}
