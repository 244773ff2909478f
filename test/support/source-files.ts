// Every file under a folder of the repository, for the tests that hold the documents to the code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute paths of every file under `dir`, at any depth. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
