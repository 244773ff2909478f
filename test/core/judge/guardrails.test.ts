import type { HealthSummary } from '../../../src/core/health';
import { evaluateGuardrails, type SignalVerdict, type Verdict } from '../../../src/core/judge';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function healthy(total = 2): HealthSummary {
  return { total, healthy: total, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] };
}

function verdict(signal: SignalVerdict['signal'], v: Verdict, text = `${signal} ${v}`): SignalVerdict {
  return {
    kind: 'count',
    signal,
    verdict: v,
    reference: 'source-same-minutes',
    window: v === 'no-data' ? null : { start: T0, end: T0 + 120_000, minutes: 2 },
    confidence: v === 'breach' ? 99 : v === 'healthy' ? 95 : null,
    subject: null,
    referenceCounts: null,
    text,
  };
}

describe('evaluateGuardrails', () => {
  it('turns each breaching signal into a breach carrying its sentence and window', () => {
    const result = evaluateGuardrails(
      [verdict('error-rate', 'breach', 'target 5xx 5 of 24 (20.8%) vs ...: breach at 99% confidence'), verdict('p99-latency', 'healthy')],
      { side: 'target', summary: healthy() },
    );
    expect(result.state).toBe('breach');
    expect(result.breaches).toEqual([
      { guardrail: 'error-rate', detail: 'target 5xx 5 of 24 (20.8%) vs ...: breach at 99% confidence', since: T0, minutes: 2 },
    ]);
  });

  it('is healthy only when every signal is healthy and the health could be read', () => {
    const all = [verdict('error-rate', 'healthy'), verdict('elb-5xx', 'healthy'), verdict('p99-latency', 'healthy')];
    expect(evaluateGuardrails(all, { side: 'target', summary: healthy() }).state).toBe('healthy');
    expect(evaluateGuardrails(all, { side: 'target', error: 'Throttling' }).state).toBe('inconclusive');
    expect(evaluateGuardrails([...all.slice(0, 2), verdict('p99-latency', 'inconclusive')], undefined).state).toBe('inconclusive');
    // A signal CloudWatch did not return is no pass.
    expect(evaluateGuardrails([...all.slice(0, 2), verdict('p99-latency', 'no-data')], undefined).state).toBe('inconclusive');
    expect(evaluateGuardrails([verdict('error-rate', 'no-data'), verdict('p99-latency', 'no-data')], undefined).state).toBe('no-data');
    expect(evaluateGuardrails([], undefined).state).toBe('no-data');
  });

  it('breaches on any unhealthy or unavailable target, and only notes initial or draining ones', () => {
    const ok = [verdict('error-rate', 'healthy')];
    const bad: HealthSummary = { ...healthy(3), healthy: 2, unhealthy: 1, problems: ['10.0.1.9:9200 unhealthy (Target.FailedHealthChecks)'] };
    const result = evaluateGuardrails(ok, { side: 'target', summary: bad });
    expect(result.state).toBe('breach');
    expect(result.breaches[0]).toMatchObject({ guardrail: 'unhealthy-targets' });
    expect(result.breaches[0]!.detail).toContain('1 of 3 targets not healthy');
    expect(result.breaches[0]!.detail).toContain('Target.FailedHealthChecks');

    const draining: HealthSummary = { ...healthy(3), healthy: 2, draining: 1, problems: ['10.0.1.9:9200 draining'] };
    const noted = evaluateGuardrails(ok, { side: 'target', summary: draining });
    expect(noted.state).toBe('healthy');
    expect(noted.notes).toEqual(['target proxy target group: 2/3 healthy, 1 draining']);

    expect(evaluateGuardrails(ok, { side: 'target', summary: healthy(0) }).breaches[0]!.detail).toBe('target proxy target group has no registered targets');
    expect(evaluateGuardrails(ok, { side: 'target', error: 'Throttling' }).notes).toEqual(['target proxy target group health unknown: Throttling']);
  });
});
