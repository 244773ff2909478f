// A small durable list kept in one JSON file of the data directory: the Slack posts and edits Slack has not
// taken yet (slack/outbox.ts), so that a restart of the bot sends them instead of losing them. The file is
// rewritten whole on each change, through a temporary file and a rename, so a crash leaves either the old list
// or the new one; saves apply in the order they were asked for (one mutex). Every record is checked against the caller's
// schema when read back: one that does not fit is skipped with a warning naming it and the field, the others
// are kept.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Mutex } from 'async-mutex';
import type { z } from 'zod';
import { plainMessage } from '../../core/format';

interface OutboxLogger {
  warn(fields: object, message: string): void;
}

export class JsonFileOutbox<S extends z.ZodType> {
  private readonly turns = new Mutex();

  constructor(
    readonly file: string,
    private readonly schema: S,
    private readonly logger: OutboxLogger,
  ) {}

  /**
   * What was saved last, record by record as the schema reads it; nothing when there is no file. A file that is
   * not a JSON list is set aside, and said.
   */
  load(): Promise<z.infer<S>[]> {
    return this.turns.runExclusive(async () => {
      let text: string;
      try {
        text = await fs.readFile(this.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      let items: unknown;
      try {
        items = JSON.parse(text);
        if (!Array.isArray(items)) throw new Error('not a list');
      } catch (error) {
        const aside = `${this.file}.unreadable-${Date.now()}`;
        await fs.rename(this.file, aside);
        this.logger.warn({ file: aside, reason: plainMessage(error) }, 'unsent Slack messages could not be read; the file is kept aside');
        return [];
      }
      const records: z.infer<S>[] = [];
      items.forEach((item: unknown, index) => {
        const result = this.schema.safeParse(item);
        if (result.success) {
          records.push(result.data);
          return;
        }
        const issue = result.error.issues[0];
        const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        this.logger.warn(
          { file: this.file, record: index + 1, problem: `${where}${issue?.message ?? 'invalid'}` },
          'an unsent Slack message read back is not valid and was skipped',
        );
      });
      return records;
    });
  }

  /** Replaces the list; an empty one removes the file. */
  save(items: readonly z.infer<S>[]): Promise<void> {
    const text = items.length > 0 ? JSON.stringify(items) : undefined;
    return this.turns.runExclusive(async () => {
      if (text === undefined) {
        await fs.rm(this.file, { force: true });
        return;
      }
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(temporary, text, { flush: true }); // on disk before the rename makes it the list
      await fs.rename(temporary, this.file);
    });
  }
}
