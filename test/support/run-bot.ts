// Runs src/index.ts as a real process (through tsx), for start-up and shutdown tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ENTRY = resolve(__dirname, '../../src/index.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

export interface BotProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout contains `text`. */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the bot with exactly `env` (plus PATH), in an empty directory so no developer `.env` is read. */
export function runBot(env: Record<string, string>): BotProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'switchover-run-'));
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    listeners.forEach((l) => l());
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      done({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(text, timeoutMs = 15_000) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          if (!out.includes(text)) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolveWait();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`bot never printed "${text}". stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(({ code }) => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`bot exited (${code}) before printing "${text}". stdout:\n${out}\nstderr:\n${err}`));
        });
        check();
      });
    },
  };
}

/** A port that was free a moment ago (the config does not accept PORT=0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}
