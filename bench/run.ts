// `npm run bench`: runs the real app (HTTP mode, fake Slack Web API on 127.0.0.1, simulated stack with
// L = 100 ms per AWS call) and prints the figures against their targets, then the judge's detection table;
// also writes bench/results.json. `npm run bench -- detection` measures the detection table alone (seconds)
// and updates only its part of bench/results.json; `-- memory` the memory figures alone; `-- ack` the
// acknowledgement and the status and fallback latencies alone (a minute or two).
// Latencies are given as multiples of L where the target is one, counts where they can be, so they hold on a
// noisy machine. Exits 0 whatever the figures say (it measures; tests assert behaviour); 1 if it could not run.
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= 'true';

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { measureStatusAndFallback, measureWatch } from './app-figures';
import { buildForBench } from './build';
import { formatDetection, measureDetection, type DetectionResults } from './detection';
import { formatPlans, measurePlans, type PlanBenchResults } from './plan';
import { measurePlanFallback, type PlanFallbackFigures } from './plan-app';
import { measureCharts } from './chart-figures';
import { ACK_BURST, measureProcessFigures, type ProcessFigures } from './process-figures';
import { formatTable, median, verdict, type Figure } from './stats';

const L = 100;
/** The bench stops itself well within CI's patience. */
const DEADLINE_MS = 4 * 60_000;

function say(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

const max = (values: number[]) => (values.length ? Math.max(...values) : Number.NaN);

const RESULTS = join(__dirname, 'results.json');

function detection(): DetectionResults {
  process.stderr.write('  detection table: the judge on simulated minutes (seconds)\n');
  const results = measureDetection();
  process.stdout.write(`\n${formatDetection(results)}\n`);
  return results;
}

/** `npm run bench -- detection`: the table alone, written into the results of the last full run. */
function detectionOnly(): void {
  const results = detection();
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, detection: results }, null, 2)}\n`);
  process.stdout.write(`Written to ${RESULTS} (detection only).\n`);
}

function plans(): PlanBenchResults {
  process.stderr.write('  plan table: gradual plans on simulated minutes (seconds)\n');
  const results = measurePlans();
  process.stdout.write(`\n${formatPlans(results)}\n`);
  return results;
}

/** The plan's automatic fallback through the app (simulated minutes, L per AWS call), as figures. */
function planFigures(fb: PlanFallbackFigures | undefined, missing?: string): Figure[] {
  return [
    {
      figure: "plan: automatic ModifyListener, ticks after the watch's first breach (worst)",
      value: fb ? max(fb.extraTicks) : null,
      unit: 'ticks',
      comparison: '<=',
      target: 1,
      note: fb
        ? `a 20 % 5xx spike at the 25 % step, ${fb.extraTicks.length} plans; spike to ModifyListener ${fb.onsetToModifyMinutes.join(', ')} simulated minutes (the judge's detection; SWITCHOVER_SETTLE_SECONDS after the first minute that shows it)`
        : missing,
    },
    {
      figure: 'plan: automatic ModifyListener to plan message updated (median)',
      value: fb ? median(fb.modifyToUpdatedMs) / L : null,
      unit: 'xL',
      comparison: '<=',
      target: 3.5,
      note: fb ? `from the ModifyListener reaching AWS; worst ${(max(fb.modifyToUpdatedMs) / L).toFixed(2)} x L` : missing,
    },
  ];
}

/** `npm run bench -- plan`: the plan table and the plan's figures alone, written into the results of the last full run. */
async function plansOnly(): Promise<void> {
  const results = plans();
  const app = await measurePlanFallback(L, say);
  process.stdout.write(`\n${formatTable(planFigures(app))}\n`);
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(RESULTS, `${JSON.stringify({ ...previous, plans: { ...results, app } }, null, 2)}\n`);
  process.stdout.write(`Written to ${RESULTS} (plans only).\n`);
}

/** The bot's RSS with the in-process renderer, measured in the bot after its 5,000 commands. */
function memoryWithRenderer(memory: ProcessFigures['memory']): Figure {
  return {
    figure: 'resident memory with the chart renderer',
    value: memory ? memory.rssWithRendererMB : null,
    unit: 'MB',
    comparison: '<',
    target: 150,
    note: memory
      ? `the same bot after its 5,000 commands (${memory.rssAt5000MB.toFixed(0)} MB, charts by a fake QuickChart), then the in-process renderer loaded and ${memory.chartsDrawn} pictures drawn, after a full GC`
      : undefined,
  };
}

/** Whether drawing holds up acknowledgements: `help` acknowledged while the bot draws pictures. */
function acksWhileDrawing(figures: ProcessFigures['acksWhileDrawing']): Figure {
  return {
    figure: 'acknowledgement while charts draw, p99',
    value: figures ? figures.drawing.p99 : null,
    unit: 'ms',
    comparison: '<',
    target: 100,
    note: figures
      ? `${figures.commands} help commands one at a time while the bot drew ${figures.charts} pictures in-process: p50 ${figures.drawing.p50.toFixed(0)} ms, max ${figures.drawing.max.toFixed(0)} ms; idle p50 ${figures.idle.p50.toFixed(0)} ms, p99 ${figures.idle.p99.toFixed(0)} ms`
      : undefined,
  };
}

function memoryFigures(memory: ProcessFigures['memory']): Figure[] {
  return [
    {
      figure: 'resident memory after 5,000 commands',
      value: memory ? memory.rssAt5000MB : null,
      unit: 'MB',
      comparison: '<',
      target: 150,
      note: memory
        ? `compiled app, RSS after a full GC; JS heap in use ${memory.heapUsedAt5000MB.toFixed(1)} MB; mix of help, a typo, status, status dev, history, prep; ${memory.seconds.toFixed(1)} s`
        : undefined,
    },
    {
      figure: 'memory growth from 1,000 to 5,000 commands',
      value: memory ? memory.growthPercent : null,
      unit: '%',
      comparison: '<',
      target: 10,
      note: memory ? `RSS ${memory.rssAt1000MB.toFixed(1)} MB -> ${memory.rssAt5000MB.toFixed(1)} MB` : undefined,
    },
    memoryWithRenderer(memory),
  ];
}

function ackFigure(ack: ProcessFigures['ack'], missing?: string): Figure {
  return {
    figure: `slash-command ack, p99 (${ACK_BURST} commands at once, each on a new connection)`,
    value: ack ? ack.p99 : null,
    unit: 'ms',
    comparison: '<',
    target: 100,
    note: ack
      ? `${ack.count} acknowledgements in bursts of ${ACK_BURST} (status dev and help alternating), Bolt's HTTPReceiver; p50 ${ack.p50.toFixed(1)} ms, worst ${ack.worst.toFixed(0)} ms; ${ack.non200} answers were not HTTP 200`
      : missing,
  };
}

type StatusAndFallback = Awaited<ReturnType<typeof measureStatusAndFallback>>;

/** The status and fallback figures the issue keeps: status <= 2 x L cached, Apply to ModifyListener <= 1.2 x L. */
function statusAndFallbackFigures(app: StatusAndFallback | undefined, missing?: string): Figure[] {
  const ratio = (ms: number) => ms / L;
  const fb = app && 'toModifyMs' in app.fallback ? app.fallback : undefined;
  return [
    {
      figure: 'status, command to posted answer, discovery cached (median)',
      value: app ? ratio(median(app.status.cachedMs)) : null,
      unit: 'xL',
      comparison: '<=',
      target: 2,
      note: app ? `worst ${ratio(max(app.status.cachedMs)).toFixed(2)} x L over ${app.status.cachedMs.length} runs` : missing,
    },
    {
      figure: 'status, first call for a stage, discovery included (median)',
      value: app ? ratio(median(app.status.firstMs)) : null,
      unit: 'xL',
      comparison: '<=',
      target: 4,
      note: app ? `worst ${ratio(max(app.status.firstMs)).toFixed(2)} x L over ${app.status.firstMs.length} stages` : undefined,
    },
    {
      figure: 'AWS calls per status answer, 1 target',
      value: app ? max(app.status.callsOneTarget) : null,
      unit: 'calls',
      comparison: '<=',
      target: 5,
    },
    {
      figure: 'AWS calls per status answer, 200 targets',
      value: app ? max(app.status.callsManyTargets) : null,
      unit: 'calls',
      comparison: '<=',
      target: 5,
      note:
        app && max(app.status.callsManyTargets) !== max(app.status.callsOneTarget)
          ? 'differs from the 1-target count'
          : app
            ? 'same as with 1 target'
            : undefined,
    },
    {
      figure: 'fallback: Apply to ModifyListener sent (median)',
      value: fb ? ratio(median(fb.toModifyMs)) : null,
      unit: 'xL',
      comparison: '<=',
      target: 1.2,
      note: fb ? `from the Apply of the Approve dialog (the click opens it); worst ${ratio(max(fb.toModifyMs)).toFixed(2)} x L` : missing,
    },
    {
      figure: 'fallback: Apply to request message updated (median)',
      value: fb ? ratio(median(fb.toUpdatedMs)) : null,
      unit: 'xL',
      comparison: '<=',
      target: 3.5,
      note: fb ? `worst ${ratio(max(fb.toUpdatedMs)).toFixed(2)} x L` : undefined,
    },
    {
      figure: 'AWS calls per applied fallback',
      value: fb ? max(fb.calls) : null,
      unit: 'calls',
      comparison: '<=',
      target: 3,
    },
  ];
}

/** `npm run bench -- memory` or `-- ack`: those figures alone. */
async function partOnly(part: 'memory' | 'ack'): Promise<void> {
  process.stderr.write(`switchover-bot bench, ${part} only: L = ${L} ms per simulated AWS call, ${cpus().length} CPUs, Node ${process.version}\n`);
  const built = buildForBench();
  if (built.diagnostics) say(`tsc reported problems (compiled anyway):\n${built.diagnostics}`);
  const proc = await measureProcessFigures(built, L, say, { only: part });
  const figures = part === 'memory' ? [...memoryFigures(proc.memory), acksWhileDrawing(proc.acksWhileDrawing)] : [ackFigure(proc.ack), ...statusAndFallbackFigures(await measureStatusAndFallback(L, say))];
  process.stdout.write(`\n${formatTable(figures)}\n`);
}

async function main(): Promise<void> {
  if (process.argv.slice(2).includes('detection')) return detectionOnly();
  if (process.argv.slice(2).includes('plan')) return plansOnly();
  if (process.argv.slice(2).includes('memory')) return partOnly('memory');
  if (process.argv.slice(2).includes('ack')) return partOnly('ack');
  const started = Date.now();
  const deadline = setTimeout(() => {
    process.stderr.write(`bench: still running after ${DEADLINE_MS / 1000} s; stopping.\n`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();

  process.stderr.write(`switchover-bot bench: L = ${L} ms per simulated AWS call, ${cpus().length} CPUs, Node ${process.version}\n`);
  say('compiling the app as production runs it');
  const built = buildForBench();
  if (built.diagnostics) say(`tsc reported problems (compiled anyway):\n${built.diagnostics}`);

  const figures: Figure[] = [];
  const problems: string[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push(`${what}: ${message}`);
      say(`${what} could not be measured: ${message}`);
      return undefined;
    }
  };

  // A full run measures every part, so none of the figures is absent.
  const proc = await attempt('process figures', () => measureProcessFigures(built, L, say));
  const app = await attempt('status and fallback', () => measureStatusAndFallback(L, say));
  const watch = await attempt('watching 20 stages', () => measureWatch(say));
  const charts = await attempt('charts', () => measureCharts(built.chartProcess, say));
  const planApp = await attempt('plan fallback', () => measurePlanFallback(L, say));

  const missing = (what: string) => problems.find((p) => p.startsWith(what));

  figures.push(ackFigure(proc?.ack, missing('process figures')), ...statusAndFallbackFigures(app, missing('status and fallback')));
  figures.push(
    {
      figure: 'watching 20 stages: GetMetricData per minute per stage',
      value: watch ? max(watch.getMetricDataPerMinute) / watch.stages : null,
      unit: 'calls/min/stage',
      comparison: '<=',
      target: 1,
      note: watch
        ? `per simulated minute, all stages: ${watch.getMetricDataPerMinute.join(', ')}; ` +
          `a 5xx breach starting at the top of a minute is alerted ${watch.detectionMinutes === null ? 'not within 10 minutes' : `${watch.detectionMinutes} min later`} ` +
          `(end to end through the app: SWITCHOVER_SETTLE_SECONDS ${watch.settleSeconds} s after the end of the first minute that shows it; the detection table measures the judge alone)`
        : missing('watching 20 stages'),
    },
    ...memoryFigures(proc?.memory),
    {
      figure: 'start to ready (median of 5)',
      value: proc?.startup ? proc.startup.medianMs / 1000 : null,
      unit: 's',
      comparison: '<',
      target: 1.5,
      note: proc?.startup
        ? `node <compiled>/index.js with SWITCHOVER_SIMULATE=true until /healthz answers; runs ${proc.startup.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`
        : undefined,
    },
    {
      figure: 'chart drawn in the bot, status picture (median of 5)',
      value: charts ? charts.ms.status! : null,
      unit: 'ms',
      comparison: '<',
      target: 500,
      note: charts
        ? `Chart.js 4 on @napi-rs/canvas, 720 px at pixel ratio 2, compiled; prep ${charts.ms.prep!.toFixed(0)} ms, guardrail alert ${charts.ms.alert!.toFixed(0)} ms`
        : missing('charts'),
    },
    acksWhileDrawing(proc?.acksWhileDrawing),
  );

  const table = formatTable(figures);
  process.stdout.write(`\n${table}\n`);
  const detected = detection();
  const planned = plans();
  process.stdout.write('\n');
  const results = {
    at: new Date().toISOString(),
    latencyPerAwsCallMs: L,
    machine: { cpus: cpus().length, node: process.version, platform: process.platform },
    seconds: (Date.now() - started) / 1000,
    figures: figures.map((f) => ({ ...f, result: verdict(f) })),
    raw: { process: proc ?? null, statusAndFallback: app ?? null, watch: watch ?? null, charts: charts ?? null, planFallback: planApp ?? null },
    detection: detected,
    plans: planned,
    problems,
  };
  const out = RESULTS;
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const failed = figures.filter((f) => verdict(f) === 'FAIL').length;
  const notMeasured = figures.filter((f) => verdict(f) === 'n/a').length;
  process.stdout.write(
    `${figures.length - failed - notMeasured} of ${figures.length} figures within target` +
      `${failed ? `, ${failed} missed` : ''}${notMeasured ? `, ${notMeasured} not measured` : ''}. ` +
      `Written to ${out} (${results.seconds.toFixed(0)} s).\n`,
  );
  process.exit(problems.length > 0 && figures.every((f) => verdict(f) === 'n/a') ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
