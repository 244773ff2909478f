import { ChartRenderError, QuickChartRenderer } from '../../../src/adapters/charts/quickchart';
import type { ChartSpec } from '../../../src/core/ports';
import { FakeChartServer, TINY_PNG } from '../../support/fake-chart-server';

const chart: ChartSpec = {
  title: 'dev: source proxy requests',
  filename: 'dev-prep-requests.png',
  width: 800,
  height: 400,
  config: { type: 'line', data: { labels: ['12:00', '12:01'], datasets: [{ label: 'requests', data: [10, null] }] }, options: { plugins: { title: { display: true, text: 'x' } } } },
};

describe('QuickChartRenderer', () => {
  let server: FakeChartServer;
  beforeEach(async () => {
    server = new FakeChartServer();
    await server.start();
  });
  afterEach(async () => {
    await server.down();
  });

  it('posts a Chart.js 4 config through quickchart-js and returns the PNG', async () => {
    const png = await new QuickChartRenderer(server.url).render(chart);
    expect(png.equals(TINY_PNG)).toBe(true);
    expect(server.posted).toHaveLength(1);
    const { body, config } = server.posted[0]!;
    expect(body).toMatchObject({ version: '4', format: 'png', width: 800, height: 400, devicePixelRatio: 2, backgroundColor: '#ffffff' });
    expect(config).toEqual(chart.config); // nulls (gaps) survive the trip
  });

  it('accepts a URL with a trailing slash or a path prefix', async () => {
    await expect(new QuickChartRenderer(`${server.url}/`).render(chart)).resolves.toBeInstanceOf(Buffer);
    expect(new QuickChartRenderer('http://quickchart:3400/').where).toBe('http://quickchart:3400');
    expect(new QuickChartRenderer('https://charts.example.com/qc/').where).toBe('https://charts.example.com/qc');
  });

  it('refuses credentials in the URL, which quickchart-js cannot send', () => {
    expect(() => new QuickChartRenderer('https://user:secret@charts.example.com')).toThrow(/must not carry credentials/);
  });

  it('says what happened when the renderer answers 500', async () => {
    server.mode = 'error500';
    await expect(new QuickChartRenderer(server.url).render(chart)).rejects.toThrow(
      new ChartRenderError(
        `The chart renderer at ${server.url} could not render "dev-prep-requests.png": Chart creation failed with status code 500: Chart.js failed: invalid config.`,
      ),
    );
  });

  it('refuses an answer that is not a PNG', async () => {
    server.mode = 'notPng';
    await expect(new QuickChartRenderer(server.url).render(chart)).rejects.toThrow(/answered "dev-prep-requests.png" with something that is not a PNG/);
  });

  it('says the renderer is down when the connection is refused', async () => {
    const url = server.url;
    await server.down();
    await expect(new QuickChartRenderer(url).render(chart)).rejects.toThrow(
      `The chart renderer at ${url} could not render "dev-prep-requests.png": connection refused (is the renderer running?).`,
    );
  });

  it('gives up when the renderer does not answer in time', async () => {
    server.mode = 'hang';
    await expect(new QuickChartRenderer(server.url, { timeoutMs: 100 }).render(chart)).rejects.toThrow(
      `The chart renderer at ${server.url} did not answer within 0.1 s.`,
    );
  });

  it('rejects a QUICKCHART_URL that is not http(s)', () => {
    expect(() => new QuickChartRenderer('ftp://charts')).toThrow(/must be an http or https URL/);
    expect(() => new QuickChartRenderer('not a url')).toThrow(/not a valid URL/);
  });
});
