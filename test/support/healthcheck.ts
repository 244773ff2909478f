// The Dockerfile's HEALTHCHECK, run as Docker would run it in the container (tests have no Docker).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dockerfile = () => readFileSync(join(__dirname, '../../Dockerfile'), 'utf8');

/** The HEALTHCHECK's exec-form command, as Docker runs it. */
export function healthcheckCommand(): string[] {
  const joined = dockerfile().replace(/\\\n/g, ' ');
  const found = /^HEALTHCHECK [^\n]*?CMD (\[.*\])$/m.exec(joined);
  if (!found) throw new Error('the Dockerfile has no exec-form HEALTHCHECK');
  return JSON.parse(found[1]!) as string[];
}

/** Runs the HEALTHCHECK command with exactly `env` (as the container's environment); resolves with its exit code. */
export function runHealthcheck(env: Record<string, string>): Promise<number> {
  const [command, ...args] = healthcheckCommand();
  // `node` in the image; this test's own Node here.
  const binary = command === 'node' ? process.execPath : command!;
  return new Promise((resolve) => {
    execFile(binary, args, { env: { ...env }, timeout: 10_000 }, (error) => resolve(error ? Number(error.code ?? 1) : 0));
  });
}
