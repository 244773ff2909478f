// Compiles the app (src/) and the benchmark's helper processes to JavaScript, as production runs it
// (`npm run build` then `node dist/index.js`): the process figures then measure the bot, not tsx's loader,
// which runs in a worker isolate of its own and adds ~50 MB and its start-up time. Incremental: a second run
// only recompiles what changed. Output under node_modules/.cache, so the compiled files find node_modules.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'switchover-bench');
export const OUT_DIR = join(BUILD_DIR, 'out');

export interface Built {
  /** node <nodeFlags> <entry> starts the bot as `npm start` does. */
  index: string;
  /** The Node flags of `npm start` (package.json's start script), which the app processes run with. */
  nodeFlags: string[];
  appProcess: string;
  loadProcess: string;
  awsProcess: string;
  chartProcess: string;
  /** tsc's complaints, if any (the code is emitted anyway; the bench says so). */
  diagnostics?: string;
}

export function buildForBench(): Built {
  mkdirSync(BUILD_DIR, { recursive: true });
  const tsconfig = {
    extends: join(ROOT, 'tsconfig.build.json'),
    compilerOptions: {
      rootDir: ROOT,
      outDir: OUT_DIR,
      sourceMap: false,
      incremental: true,
      tsBuildInfoFile: join(OUT_DIR, '.tsbuildinfo'),
    },
    include: [join(ROOT, 'src'), join(ROOT, 'bench', 'app-process.ts'), join(ROOT, 'bench', 'load-process.ts'), join(ROOT, 'bench', 'aws-process.ts'), join(ROOT, 'bench', 'chart-process.ts')],
  };
  const configPath = join(BUILD_DIR, 'tsconfig.json');
  writeFileSync(configPath, JSON.stringify(tsconfig, null, 2));
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', configPath], { cwd: ROOT, encoding: 'utf8' });
  if (result.error) throw result.error;
  const diagnostics = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return {
    index: join(OUT_DIR, 'src', 'index.js'),
    nodeFlags: startNodeFlags(),
    appProcess: join(OUT_DIR, 'bench', 'app-process.js'),
    loadProcess: join(OUT_DIR, 'bench', 'load-process.js'),
    awsProcess: join(OUT_DIR, 'bench', 'aws-process.js'),
    chartProcess: join(OUT_DIR, 'bench', 'chart-process.js'),
    ...(result.status !== 0 && diagnostics ? { diagnostics } : {}),
  };
}

/** package.json's start script: `NAME=value ... node --flags ... script`. */
function startScript(): { env: Record<string, string>; command: string | undefined; words: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const all = pkg.scripts.start.trim().split(/\s+/);
  const assignments = all.filter((w, i) => all.slice(0, i + 1).every((x) => /^[A-Z_][A-Z0-9_]*=/.test(x)));
  const env = Object.fromEntries(assignments.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  const [command, ...words] = all.slice(assignments.length);
  return { env, command, words };
}

/** The `--flags` between `node` and the script in package.json's start script. */
export function startNodeFlags(): string[] {
  const { command, words } = startScript();
  if (command !== 'node') throw new Error(`package.json's start script should run node, not ${command}`);
  return words.filter((w) => w.startsWith('--'));
}

/** The environment the start script sets before `node` (the allocator's settings). */
export function startEnv(): Record<string, string> {
  return startScript().env;
}
