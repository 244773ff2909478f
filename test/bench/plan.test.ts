import { formatPlans, HEALTHY_PLANS, measurePlans } from '../../bench/plan';

describe('the plan table', () => {
  // A few simulated plans only: this checks what the table says, not the figures (npm run bench measures them).
  const results = measurePlans({ runs: 3, seed: 7 });

  it('has a row per plan and rule, each run ending completed, paused or still running, never a false fallback', () => {
    expect(results.healthy.map((r) => [r.plan, r.rule])).toEqual(
      HEALTHY_PLANS.flatMap((p) => ['plan', 'strict'].map((rule) => [`${p.steps.join(',')} every ${p.bakeMinutes}m`, rule])),
    );
    for (const row of results.healthy) {
      expect(row.completed + row.paused).toBeLessThanOrEqual(3);
      expect(row.falseFallbacks).toBe(0);
    }
    // Every signal healthy at 5 % of 1,200 requests a minute: p99 never vouches, so the strict rule always pauses.
    expect(results.healthy.find((r) => r.plan === '5,25,50,100 every 10m' && r.rule === 'strict')).toMatchObject({ completed: 0, paused: 3 });
  });

  it('falls back on a +20 point 5xx rise at 25 % in the tick the judge first sees it', () => {
    expect(results.breaches.find((b) => b.breach === '5xx +20 points at 25 %')).toMatchObject({ fellBack: 3, worstExtraTicks: 0 });
  });

  it('is repeatable and prints its tables', () => {
    expect(measurePlans({ runs: 3, seed: 7 }).healthy).toEqual(results.healthy);
    expect(formatPlans(results)).toContain('| 5,25,50,100 every 10m | strict (every signal healthy) | 0 of 3 |');
  });
});
