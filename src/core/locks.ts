// A small per-key, in-process lock: one prep (or any other long-running phase) per stage at a time.
// In-process is enough because one bot process serves a Slack app; the journal, not this lock, is what
// survives a restart. Non-blocking on purpose: a second caller is told who holds the key, never queued.

export type Acquired = { acquired: true; release: () => void };
export type Held<H> = { acquired: false; holder: H };

export class KeyedLock<H> {
  private readonly holders = new Map<string, { holder: H; token: symbol }>();

  /**
   * Takes `key` for `holder` when it is free. The release function is idempotent and only ever frees
   * the hold it was given for (a stale release after a re-acquire does nothing).
   */
  tryAcquire(key: string, holder: H): Acquired | Held<H> {
    const current = this.holders.get(key);
    if (current) return { acquired: false, holder: current.holder };
    const token = Symbol(key);
    this.holders.set(key, { holder, token });
    return {
      acquired: true,
      release: () => {
        if (this.holders.get(key)?.token === token) this.holders.delete(key);
      },
    };
  }

  /** Who holds `key` now, if anyone. */
  holder(key: string): H | undefined {
    return this.holders.get(key)?.holder;
  }

  /** Keys held now (for status pages and tests). */
  keys(): string[] {
    return [...this.holders.keys()];
  }
}
