// At most `max` tasks run at once; the others wait their turn in arrival order. Nothing is dropped: a task
// that waits still runs, and its result or failure goes to its own caller.

export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`a concurrency limit must be a whole number from 1 up, not ${max}`);
  }

  /** Tasks waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((start) => this.waiting.push(start));
    else this.running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so a newcomer can never overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
