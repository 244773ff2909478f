import type { HealthSummary } from '../../src/core/health';
import { evaluateGuardrails, judgeMinute, type MinuteJudgement } from '../../src/core/judge';
import { WATCH_SETTINGS } from '../support/traffic-script';
import type { MinuteFigures } from '../../src/core/traffic';
import { MINUTE_MS } from '../../src/core/types';

const settings = WATCH_SETTINGS;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function fig(t: number, requests: number | null, http5xx = 0, latencyP99: number | null = 0.1): MinuteFigures {
  return {
    t,
    requests,
    http5xx: requests === null ? null : http5xx,
    errorRate5xx: requests ? http5xx / requests : null,
    latencyAvg: requests ? 0.02 : null,
    latencyP99: requests ? latencyP99 : null,
  };
}

const baseline = { errorRate5xx: 0.005, latencyP99: 0.08 };
const beforeChange = { errorRate5xx: 0.01, latencyP99: 0.2 };

function healthy(total = 2): HealthSummary {
  return { total, healthy: total, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] };
}

describe('judgeMinute', () => {
  it('compares the target with the source in the same minute while both carry traffic', () => {
    const j = judgeMinute(fig(T0, 900, 9, 0.1), fig(T0, 100, 3, 0.15), baseline, beforeChange, settings);
    expect(j.verdict).toBe('judged');
    expect(j.reference.kind).toBe('source-same-minute');
    expect(j.errorRate).toMatchObject({ valuePercent: 3, referencePercent: 1, exceeded: true });
    expect(j.errorRate!.points).toBeCloseTo(2);
    expect(j.p99).toMatchObject({ value: 0.15, reference: 0.1, exceeded: false });
  });

  it('falls back to the prep baseline once the source carries too little, then to the minutes before the change', () => {
    const quietSource = fig(T0, 5);
    expect(judgeMinute(quietSource, fig(T0, 1000, 10, 0.2), baseline, beforeChange, settings)).toMatchObject({
      reference: { kind: 'baseline', description: 'the prep baseline' },
      p99: { factor: 2.5, exceeded: true },
    });
    const j = judgeMinute(quietSource, fig(T0, 1000, 10, 0.2), undefined, beforeChange, settings);
    expect(j.reference.kind).toBe('before-change');
    expect(j.errorRate).toMatchObject({ exceeded: false });
    expect(j.p99).toMatchObject({ factor: 1, exceeded: false });
  });

  it('holds the 5xx rate against 0% and leaves p99 unjudged when there is nothing to compare with', () => {
    const j = judgeMinute(fig(T0, 0), fig(T0, 1000, 20, 0.2), undefined, { errorRate5xx: null, latencyP99: null }, settings);
    expect(j.reference.kind).toBe('none');
    expect(j.errorRate).toMatchObject({ valuePercent: 2, referencePercent: 0, exceeded: true });
    expect(j.p99).toBeNull();
  });

  it('calls a minute with too few target requests not-enough-traffic, never a pass', () => {
    const j = judgeMinute(fig(T0, 1000), fig(T0, 19, 19), baseline, undefined, settings);
    expect(j.verdict).toBe('not-enough-traffic');
    expect(j.reason).toContain('19 target proxy requests');
    expect(j.errorRate).toBeNull();
  });

  it('calls a minute without the requests figure no-data', () => {
    expect(judgeMinute(fig(T0, null), fig(T0, null), baseline, undefined, settings)).toMatchObject({
      verdict: 'no-data',
      reason: 'target proxy requests unavailable from CloudWatch',
    });
  });

  it('judges the source against the baseline after a fallback', () => {
    const j = judgeMinute(fig(T0, 1000, 30), fig(T0, 0), baseline, undefined, settings, { subject: 'source' });
    expect(j).toMatchObject({ subject: 'source', verdict: 'judged', reference: { kind: 'baseline' } });
    expect(j.errorRate!.exceeded).toBe(true);
  });
});

function minutes(specs: Array<[target: number | null, target5xx: number, p99?: number]>): MinuteJudgement[] {
  return specs.map(([requests, errors, p99], i) =>
    judgeMinute(fig(T0 + i * MINUTE_MS, 1000, 5, 0.1), fig(T0 + i * MINUTE_MS, requests, errors, p99 ?? 0.1), baseline, undefined, settings),
  );
}

describe('evaluateGuardrails', () => {
  it('breaches on the 5xx rate only after the configured consecutive minutes, with the numbers', () => {
    const one = evaluateGuardrails(minutes([[500, 0], [500, 15]]), undefined, settings);
    expect(one.state).toBe('ok');
    expect(one.streaks.errorRate).toBe(1);
    const two = evaluateGuardrails(minutes([[500, 0], [500, 15], [500, 20]]), undefined, settings);
    expect(two.state).toBe('breach');
    expect(two.breaches).toHaveLength(1);
    expect(two.breaches[0]).toMatchObject({ guardrail: 'error-rate', minutes: 2, since: T0 + MINUTE_MS });
    expect(two.breaches[0]!.detail).toBe(
      'target proxy 5xx rate 3%, 4% against 0.5% for the source proxy in the same minute (+3.5 points, limit +1) for 2 consecutive minutes, 12:01-12:03 UTC',
    );
  });

  it('lets a minute with too little traffic break a streak', () => {
    const history = minutes([[500, 20], [10, 5], [500, 20]]);
    const result = evaluateGuardrails(history, undefined, settings);
    expect(result.streaks.errorRate).toBe(1);
    expect(result.breaches).toEqual([]);
  });

  it('lets a gap between minutes break a streak', () => {
    const history = minutes([[500, 20], [500, 20]]);
    history[1] = { ...history[1]!, t: T0 + 5 * MINUTE_MS };
    expect(evaluateGuardrails(history, undefined, settings).streaks.errorRate).toBe(1);
  });

  it('breaches on p99 latency above the factor for the configured minutes', () => {
    const two = evaluateGuardrails(minutes([[500, 0, 0.25], [500, 0, 0.25]]), undefined, settings);
    expect(two.breaches).toEqual([]);
    const three = evaluateGuardrails(minutes([[500, 0, 0.25], [500, 0, 0.3], [500, 0, 0.25]]), undefined, settings);
    expect(three.breaches.map((b) => b.guardrail)).toEqual(['p99-latency']);
    expect(three.breaches[0]!.detail).toContain('p99 latency 250 ms, 300 ms, 250 ms against 100 ms');
    expect(three.breaches[0]!.detail).toContain('(2.5x, limit 2x) for 3 consecutive minutes');
  });

  it('breaches on any unhealthy or unavailable target, and only notes initial or draining ones', () => {
    const bad: HealthSummary = {
      ...healthy(3),
      healthy: 2,
      unhealthy: 1,
      problems: ['10.0.1.9:9200 unhealthy (Target.FailedHealthChecks)'],
    };
    const result = evaluateGuardrails(minutes([[500, 0]]), { side: 'target', summary: bad }, settings);
    expect(result.state).toBe('breach');
    expect(result.breaches[0]).toMatchObject({ guardrail: 'unhealthy-targets' });
    expect(result.breaches[0]!.detail).toContain('1 of 3 targets not healthy');
    expect(result.breaches[0]!.detail).toContain('Target.FailedHealthChecks');

    const draining: HealthSummary = { ...healthy(3), healthy: 2, draining: 1, problems: ['10.0.1.9:9200 draining'] };
    const ok = evaluateGuardrails(minutes([[500, 0]]), { side: 'target', summary: draining }, settings);
    expect(ok.state).toBe('ok');
    expect(ok.notes).toEqual(['target proxy target group: 2/3 healthy, 1 draining']);

    const empty = evaluateGuardrails(minutes([[500, 0]]), { side: 'target', summary: healthy(0) }, settings);
    expect(empty.breaches[0]!.detail).toBe('target proxy target group has no registered targets');
  });

  it('says not-enough-traffic and no-data as states of their own', () => {
    expect(evaluateGuardrails(minutes([[500, 0], [3, 0]]), { side: 'target', summary: healthy() }, settings).state).toBe('not-enough-traffic');
    expect(evaluateGuardrails(minutes([[500, 0], [null, 0]]), undefined, settings).state).toBe('no-data');
    expect(evaluateGuardrails([], undefined, settings).state).toBe('no-data');
    const unknownHealth = evaluateGuardrails(minutes([[500, 0]]), { side: 'target', error: 'Throttling' }, settings);
    expect(unknownHealth.notes).toEqual(['target proxy target group health unknown: Throttling']);
  });
});
