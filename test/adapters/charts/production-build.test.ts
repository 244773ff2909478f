// The compiled bot draws a chart with its production dependencies alone, as the Docker image runs it: the
// renderer and the chart builder are compiled with the build's tsc settings, then a separate node process loads the compiled renderer and
// chart builder (resolving packages from node_modules only) and draws the status chart. Every package it
// loaded must be a production dependency in package-lock.json (none marked dev).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import packageJson from '../../../package.json';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

describe('the compiled bot draws charts from production dependencies', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'switchover-build-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('declares the renderer, its plugin and its font as dependencies, not devDependencies', () => {
    for (const name of ['chart.js', 'chartjs-plugin-annotation', '@napi-rs/canvas', 'dejavu-fonts-ttf', 'piscina', 'quickchart-js']) {
      expect(Object.keys(packageJson.dependencies)).toContain(name);
    }
  });

  it('renders the status chart in a child node process from dist', async () => {
    // The build's compiler settings (tsconfig.build.json), on the two entry points and what they import.
    const entries = ['src/adapters/charts/in-process.ts', 'src/adapters/charts/draw-worker.ts', 'src/charts/switchover.ts'];
    const options = ['--module', 'commonjs', '--target', 'ES2022', '--moduleResolution', 'node', '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node'];
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), ...options, '--rootDir', 'src', '--outDir', join(out, 'dist'), ...entries], { cwd: ROOT });
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && p.dev === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    const script = `
      const { InProcessChartRenderer } = require('./dist/adapters/charts/in-process');
      const { switchoverChart } = require('./dist/charts/switchover');
      const t = (m) => Date.UTC(2026, 0, 1, 11, m);
      const pts = (v) => Array.from({ length: 30 }, (_, m) => ({ t: t(m), v }));
      const snapshot = { window: { start: t(0), end: t(30) }, source: { requests: pts(900), http5xx: pts(1), latencyP99: pts(0.2) },
        target: { requests: pts(100), http5xx: pts(1), latencyP99: pts(0.25) }, loadBalancer: {}, missing: [] };
      const spec = switchoverChart({ stage: 'dev', moment: 'status', snapshot, changes: [{ at: t(10), label: 'shift 10%' }] });
      const renderer = new InProcessChartRenderer();
      renderer.render(spec).then(async (png) => {
        await renderer.close();
        const packages = [...new Set(Object.keys(require.cache).map((f) => (f.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)/) || [])[1]).filter(Boolean))];
        process.stdout.write(JSON.stringify({ bytes: png.length, signature: png.subarray(1, 4).toString(), packages }));
      }, (e) => { console.error(e); process.exit(1); });`;
    await writeFile(join(out, 'draw.js'), script);
    // NODE_PATH: packages resolve from the project's node_modules only (the compiled code sits outside it).
    const { stdout } = await run(process.execPath, ['draw.js'], { cwd: out, env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules') } });
    const result = JSON.parse(stdout) as { bytes: number; signature: string; packages: string[] };
    expect(result.signature).toBe('PNG');
    expect(result.bytes).toBeGreaterThan(10_000);
    // The bot's own thread loads the pool only: Chart.js and the canvas are loaded and run in the drawing worker.
    expect(result.packages).toContain('piscina');
    expect(result.packages.filter((p) => ['chart.js', '@napi-rs/canvas', 'chartjs-plugin-annotation'].includes(p))).toEqual([]);
    expect(result.packages.filter((p) => devOnly.includes(p))).toEqual([]);
  }, 180_000);
});
