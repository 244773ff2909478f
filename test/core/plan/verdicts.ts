// Hand-made judge verdicts and ticks for the plan's unit tests: the plan only reads the guardrails' evaluation.
import type { CountVerdict, GuardrailEvaluation, LatencyVerdict, SignalName, Verdict } from '../../../src/core/judge';
import { evaluateGuardrails } from '../../../src/core/judge';
import type { WatchInfo, WatchTick } from '../../../src/core/watch-tick';

export function count(signal: Exclude<SignalName, 'p99-latency'>, verdict: Verdict): CountVerdict {
  return {
    kind: 'count',
    signal,
    verdict,
    reference: 'source-same-minutes',
    window: null,
    confidence: verdict === 'healthy' ? 95 : verdict === 'breach' ? 99 : null,
    subject: null,
    referenceCounts: null,
    text: `${signal} ${verdict}`,
  };
}

export function latency(verdict: Verdict, lowVolume = false): LatencyVerdict {
  return {
    kind: 'latency',
    signal: 'p99-latency',
    verdict,
    reference: 'source-same-minutes',
    window: null,
    confidence: verdict === 'healthy' ? 95 : null,
    subjectP99: null,
    subjectMinutes: 10,
    referenceP99: null,
    referenceMinutes: 10,
    p: null,
    ...(lowVolume ? { lowVolume: true as const } : {}),
    text: `p99 ${verdict}${lowVolume ? ' (only 0 minutes with at least 100 target requests)' : ''}`,
  };
}

const HEALTHY_TARGETS = { side: 'target' as const, summary: { total: 2, healthy: 2, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] } };

/** Every signal with the given verdict; p99 may differ. */
export function evaluation(verdict: Verdict, p99: Verdict | 'low-volume' = verdict): GuardrailEvaluation {
  return evaluateGuardrails(
    [
      count('error-rate', verdict),
      count('connection-errors', verdict),
      count('elb-5xx', verdict),
      p99 === 'low-volume' ? latency('inconclusive', true) : latency(p99),
    ],
    HEALTHY_TARGETS,
  );
}

/** A tick of the watch of `watch`, as the plan runner reads it. */
export function tick(watch: WatchInfo, at: number, judged: GuardrailEvaluation): WatchTick {
  return { watch, at, evaluation: judged, health: HEALTHY_TARGETS, completion: { applies: false, quietMinutes: 0, needed: 5, complete: false } } as unknown as WatchTick;
}
