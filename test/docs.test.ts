// The documents against the code: the maps of src/ (docs/architecture.md and the README's Development section)
// against the tree, and the README's Commands table against the command table help and the parser use.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { COMMANDS, SLASH_COMMAND } from '../src/commands/usage';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...walk(path)] : [path];
  });
}
const entries = walk(SRC).map((path) => ({ path: relative(SRC, path).split(sep).join('/'), dir: statSync(path).isDirectory() }));
const folders = entries.filter((e) => e.dir).map((e) => e.path);
const files = entries.filter((e) => !e.dir).map((e) => e.path);

/** The code block that maps src/, in a markdown file (after `heading`, when given). */
function tree(file: string, heading = ''): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const block = /```\nsrc\/\n([\s\S]*?)```/.exec(text.slice(text.indexOf(heading)))?.[1];
  expect(block).toBeDefined();
  return block!;
}

/** Paths it names: `core/plan/`, `slack/outbox.ts`, `draw-worker.ts` (which must then be somewhere under src). */
function named(block: string): string[] {
  const inSrc = block
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .join('\n');
  return [...inSrc.matchAll(/(?<![\w./<-])((?:[\w-]+\/)*[\w-]+\.ts|(?:[\w-]+\/)+)(?![\w/])/g)].map((m) => m[1]!);
}

function exists(path: string): boolean {
  const wanted = path.replace(/\/$/, '');
  const pool = path.endsWith('/') ? folders : files;
  // Relative to src/, or to a folder the line is about (`requests/apply.ts` in core/), or a repository path.
  return pool.some((p) => p === wanted || p.endsWith(`/${wanted}`)) || (path.includes('/') && existsInRepo(wanted));
}
function existsInRepo(path: string): boolean {
  try {
    statSync(join(ROOT, path));
    return true;
  } catch {
    return false;
  }
}

const onMap = (block: string, path: string) => block.includes(`${path}/`) || block.includes(`${path.split('/').at(-1)}/`);

describe.each([
  ['docs/architecture.md', '', (_: string) => true],
  ['README.md', '## Development', (path: string) => !path.includes('/')],
])('the map of src/ in %s', (file, heading, covered) => {
  const block = tree(file, heading);

  it('names only files and folders that exist', () => {
    const paths = named(block);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((path) => !exists(path))).toEqual([]);
  });

  it('has every folder of src/ on it, and every file at its top', () => {
    expect(folders.filter(covered).filter((folder) => !onMap(block, folder))).toEqual([]);
    const top = files.filter((f) => !f.includes('/'));
    expect(top.filter((f) => !new RegExp(`^  ${f.replace('.', '\\.')}\\s`, 'm').test(block))).toEqual([]);
  });
});

describe('docs/architecture.md', () => {
  it('names the modules that carry the plan, the outbox, Socket Mode, health and the chart worker', () => {
    const block = tree('docs/architecture.md');
    for (const module of ['core/plan/', 'outbox.ts', 'socket-mode.ts', 'health.ts', 'draw-worker.ts', 'switchover-charts.ts', 'changes.ts']) {
      expect(block).toContain(module);
    }
  });
});

describe("the README's Commands table", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Commands\n');
  const rows = readme
    .slice(start, readme.indexOf('\n#', start + 1))
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim()));

  it('gives every command the bot accepts, in its form, and operators for exactly the commands they alone may run', () => {
    expect(rows).toHaveLength(COMMANDS.length - 1); // pause and resume share a row
    for (const c of COMMANDS) {
      const form = c.form.slice(SLASH_COMMAND.length + 1);
      const row = rows.find(([, first = '']) => first.includes(`\`${c.form}\``) || first.includes(`\`${form}\``));
      expect([c.name, row !== undefined]).toEqual([c.name, true]);
      expect([c.name, row![3] === 'operators']).toEqual([c.name, c.operatorOnly]);
    }
  });
});
