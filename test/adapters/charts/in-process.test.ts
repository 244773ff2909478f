import { InProcessChartRenderer, MAX_CHART_VALUES, MAX_WAITING_CHARTS } from '../../../src/adapters/charts/in-process';
import type { ChartSpec } from '../../../src/core/ports';
import { readPng } from '../../support/png';

const labels = ['12:00', '12:01', '12:02', '12:03'];
const chart: ChartSpec = {
  title: 'dev: test chart',
  filename: 'dev-test.png',
  width: 400,
  height: 200,
  config: {
    type: 'line',
    data: { labels, datasets: [{ label: 'requests', data: [10, 20, null, 40], borderColor: '#0072B2', borderWidth: 4 }] },
    options: { plugins: { legend: { display: false } } },
  },
};

describe('InProcessChartRenderer', () => {
  const renderer = new InProcessChartRenderer();
  afterAll(() => renderer.close());

  it('draws a PNG at twice the chart size, on white, with the data in its colour', async () => {
    const png = await renderer.render(chart);
    const picture = await readPng(png);
    expect([picture.width, picture.height]).toEqual([800, 400]);
    expect(picture.at(2, 2)).toEqual([255, 255, 255, 255]); // not transparent: reads in Slack's dark mode too
    expect(picture.count('#0072B2')).toBeGreaterThan(200); // the line is drawn
  });

  it('refuses a chart too large or with too many values to draw in bounded time', async () => {
    await expect(renderer.render({ ...chart, width: 5000, height: 5000 })).rejects.toThrow(/too large to draw/);
    const many = { ...chart, config: { type: 'line', data: { labels: [], datasets: [{ data: new Array(MAX_CHART_VALUES + 1).fill(1) }] } } };
    await expect(renderer.render(many)).rejects.toThrow(/too many values/);
  });

  it('turns a configuration Chart.js rejects into a plain error', async () => {
    // A scale whose id does not start with x or y and does not say `axis` (QuickChart refuses it too).
    const bad = { ...chart, config: { ...chart.config, options: { scales: { share: { type: 'linear' } } } } };
    await expect(renderer.render(bad)).rejects.toThrow(/"dev-test.png" could not be drawn: Cannot determine type of 'share' axis/);
  });

  it('gives up on a chart not drawn within its deadline, stopping the worker, and draws the next ones', async () => {
    const hurried = new InProcessChartRenderer({ timeoutMs: 1 });
    try {
      await expect(hurried.render(chart)).rejects.toThrow('"dev-test.png" was not drawn within 0.001 s (the renderer is busy).');
    } finally {
      await hurried.close();
    }
    await expect(renderer.render(chart)).resolves.toBeInstanceOf(Buffer);
  });

  it('refuses at once when too many charts are waiting', async () => {
    const results = await Promise.allSettled(Array.from({ length: MAX_WAITING_CHARTS + 3 }, () => renderer.render(chart)));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatch(/charts are already waiting \(the renderer is busy\)/);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(MAX_WAITING_CHARTS);
  });
});
