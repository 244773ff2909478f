// A small durable list kept in one JSON file of the data directory: the watch reporter's channel messages that
// Slack has not taken yet (a guardrail alert during a Slack outage), so that a restart of the bot sends them
// instead of losing them. The file is rewritten whole on each change, through a temporary file and a rename,
// so a crash leaves either the old list or the new one; saves apply in the order they were asked for.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { plainMessage } from '../../core/format';

export interface OutboxLogger {
  warn(fields: object, message: string): void;
}

export class JsonFileOutbox<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly logger: OutboxLogger,
  ) {}

  /** What was saved last; nothing when there is no file. A file that cannot be read is set aside, and said. */
  load(): Promise<T[]> {
    return this.enqueue(async () => {
      let text: string;
      try {
        text = await fs.readFile(this.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      try {
        const items: unknown = JSON.parse(text);
        if (!Array.isArray(items)) throw new Error('not a list');
        return items as T[];
      } catch (error) {
        const aside = `${this.file}.unreadable-${Date.now()}`;
        await fs.rename(this.file, aside);
        this.logger.warn({ file: aside, reason: plainMessage(error) }, 'unsent watch messages could not be read; the file is kept aside');
        return [];
      }
    });
  }

  /** Replaces the list; an empty one removes the file. */
  save(items: readonly T[]): Promise<void> {
    const text = items.length > 0 ? JSON.stringify(items) : undefined;
    return this.enqueue(async () => {
      if (text === undefined) {
        await fs.rm(this.file, { force: true });
        return;
      }
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      const handle = await fs.open(temporary, 'w');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temporary, this.file);
    });
  }

  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
