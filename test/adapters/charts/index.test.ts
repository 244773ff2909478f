import { spawnSync } from 'node:child_process';
import { createChartRenderer } from '../../../src/adapters/charts';
import { InProcessChartRenderer } from '../../../src/adapters/charts/in-process';
import { QuickChartRenderer } from '../../../src/adapters/charts/quickchart';

describe('createChartRenderer', () => {
  it('draws in the bot when QUICKCHART_URL is empty, and on that QuickChart server when it is set', () => {
    expect(createChartRenderer(undefined)).toBeInstanceOf(InProcessChartRenderer);
    expect(createChartRenderer('')).toBeInstanceOf(InProcessChartRenderer);
    expect(createChartRenderer('http://127.0.0.1:1')).toBeInstanceOf(QuickChartRenderer);
  });

  it('does not load Chart.js or the canvas when charts go to QuickChart', () => {
    // A fresh process: jest's module registry already holds them from the test above.
    const script = `
      require('tsx/cjs');
      const { createChartRenderer } = require('./src/adapters/charts');
      createChartRenderer('http://127.0.0.1:1');
      const loaded = Object.keys(require.cache).filter((p) => /node_modules[\\\\/](chart\\.js|@napi-rs)[\\\\/]/.test(p));
      process.stdout.write(JSON.stringify(loaded));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: `${__dirname}/../../..`, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
