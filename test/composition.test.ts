import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Piscina from 'piscina';
import { InProcessChartRenderer } from '../src/adapters/charts/in-process';
import { startBackground, stopBackground } from '../src/background';
import { buildDeps } from '../src/composition';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';

describe('buildDeps', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'composition-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops the in-process chart renderer\'s worker with the background work, as shutdown does', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      SWITCHOVER_SIMULATE: 'true',
      SWITCHOVER_DATA_DIR: dataDir,
    });
    const logger = createLogger({ level: 'silent' });
    const deps = buildDeps(config, logger);
    expect(deps.core.charts).toBeInstanceOf(InProcessChartRenderer);
    await startBackground(deps.background, logger);
    const spec = { title: 't', filename: 't.png', width: 100, height: 50, config: { type: 'line', data: { labels: ['a'], datasets: [{ data: [1] }] } } };
    await deps.core.charts.render(spec);
    const pool = (deps.core.charts as unknown as { pool: Piscina }).pool;
    expect(pool.threads.length).toBe(1);
    await stopBackground(deps.background, logger);
    expect(pool.threads.length).toBe(0);
  });
});
