// The embedded durable store: an append-only JSON Lines journal, one record per line, each written and
// fsynced before append() resolves. Appends and reads take turns (one mutex), so concurrent appends never
// interleave and a read never sees a half-written line of this process.
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { Mutex } from 'async-mutex';
import { plainMessage } from '../../core/format';
import { checkJournalRecord, type JournalRecord } from '../../core/journal';
import type { JournalPort } from '../../core/ports';

/** The little a journal needs from a logger (pino's Logger fits). */
interface JournalLogger {
  warn(message: string): void;
}

const consoleLogger: JournalLogger = { warn: (message) => console.warn(message) };

export const JOURNAL_FILE = 'journal.jsonl';

/** How much of a damaged line a warning quotes. */
const QUOTE_CHARS = 120;

export class JsonlJournal implements JournalPort {
  readonly file: string;
  private readonly turns = new Mutex();
  private handle: fs.FileHandle | undefined;
  /**
   * Bytes of complete records in the file; unknown (at open, and after a failed write that could not be undone)
   * until the tail was checked for a torn line, which happens before the next append.
   */
  private size: number | undefined;
  /** Lines already warned about: the file only grows, so every read would repeat the same warning. */
  private readonly skippedLines = new Set<number>();

  constructor(
    readonly dir: string,
    private readonly logger: JournalLogger = consoleLogger,
  ) {
    this.file = path.join(dir, JOURNAL_FILE);
  }

  append(record: JournalRecord): Promise<void> {
    // Checked and serialized before it is queued, so a record that is not valid (a field of the wrong type, a
    // cancellation without its request's ID) is never written and fails alone.
    const checked = checkJournalRecord(record);
    if ('problem' in checked) {
      return Promise.reject(new Error(`refused to write an invalid ${String((record as { type?: unknown }).type)} record (${checked.problem})`));
    }
    const line = `${JSON.stringify(record)}\n`;
    return this.turns.runExclusive(async () => {
      const handle = await this.open();
      if (this.size === undefined) await this.setTornTailAside(handle);
      const before = this.size!;
      const data = Buffer.from(line, 'utf8');
      try {
        await handle.writeFile(data); // 'a+': at the end, whatever the position
        await handle.sync();
        this.size = before + data.length;
      } catch (error) {
        // An append that fails leaves no record behind, so the caller's "it failed" stays true after a restart.
        await this.rollBack(handle, before);
        throw new Error(`could not write to the journal ${this.file}: ${plainMessage(error)}`);
      }
    });
  }

  readAll(): Promise<JournalRecord[]> {
    return this.turns.runExclusive(async () => {
      let text: string;
      try {
        text = await fs.readFile(this.file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      return this.parse(text);
    });
  }

  /** Closes the file; a later append opens it again. */
  close(): Promise<void> {
    return this.turns.runExclusive(async () => {
      const handle = this.handle;
      this.handle = undefined;
      this.size = undefined;
      await handle?.close();
    });
  }

  private parse(text: string): JournalRecord[] {
    const lines = text.split('\n');
    // A file that does not end in a newline ends in a line whose append never completed.
    const torn = lines.pop() ?? '';
    const records: JournalRecord[] = [];
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const parsed = parseRecord(line);
      if ('record' in parsed) records.push(parsed.record);
      else if (!this.skippedLines.has(index)) {
        this.skippedLines.add(index);
        this.logger.warn(`journal ${this.file}: line ${index + 1} is not a valid record (${parsed.problem}) and was skipped: ${quote(line)}`);
      }
    });
    if (torn !== '') {
      this.logger.warn(
        `journal ${this.file}: the last line (${lines.length + 1}) is incomplete (a write was interrupted) and was skipped: ${quote(torn)}`,
      );
    }
    return records;
  }

  private async open(): Promise<fs.FileHandle> {
    if (this.handle) return this.handle;
    await fs.mkdir(this.dir, { recursive: true });
    // 'a+': appends always land at the end; reading lets the torn-tail check look at the last bytes.
    this.handle = await fs.open(this.file, 'a+', 0o600);
    // A new file's directory entry must be durable too, or a crash could lose the whole file (synced at every
    // open, once a run: cheaper than telling a new file apart).
    await syncDirectory(this.dir);
    return this.handle;
  }

  /**
   * A torn last line (a crash mid-write) must never glue onto the next record. Its bytes are moved to a
   * side file next to the journal and cut off, so the journal again ends on a complete line and
   * the interrupted record (which the bot never acted on) can never come back to life.
   */
  private async setTornTailAside(handle: fs.FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (size > 0) {
      const lastNewline = await findLastNewline(handle, size);
      const keep = lastNewline + 1;
      if (keep < size) {
        const torn = Buffer.alloc(size - keep);
        await handle.read(torn, 0, torn.length, keep);
        const aside = `${this.file}.torn-${Date.now()}`;
        await fs.writeFile(aside, torn, { mode: 0o600, flush: true });
        await handle.truncate(keep);
        await handle.sync();
        this.logger.warn(
          `journal ${this.file}: the last line was incomplete (a write was interrupted); ` +
            `its ${torn.length} bytes were moved to ${aside} and skipped: ${quote(torn.toString('utf8'))}`,
        );
      }
      this.size = keep;
    } else {
      this.size = 0;
    }
  }

  private async rollBack(handle: fs.FileHandle, size: number): Promise<void> {
    try {
      await handle.truncate(size);
      await handle.sync();
    } catch {
      // Whatever is left at the end is checked (and set aside if torn) before the next append.
      this.size = undefined;
    }
  }
}

/** A line's record once it passed the schema, or why it did not. */
function parseRecord(line: string): { record: JournalRecord } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  return checkJournalRecord(value);
}

/** Offset of the last '\n' in the file, or -1; reads backwards in chunks so a big journal is not read whole. */
async function findLastNewline(handle: fs.FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, end - start, start);
    const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
    end = start;
  }
  return -1;
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms cannot fsync a directory; the file's own fsync still holds its content.
  } finally {
    await handle?.close();
  }
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > QUOTE_CHARS ? `${oneLine.slice(0, QUOTE_CHARS)}…` : oneLine);
}
