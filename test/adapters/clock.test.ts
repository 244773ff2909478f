import { ManualClock } from '../../src/adapters/clock';

describe('ManualClock', () => {
  it('fires sleeps in due order as time advances, and not before', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    void clock.sleep(2000).then(() => fired.push('2s'));
    void clock.sleep(1000).then(() => fired.push('1s'));
    await clock.advance(999);
    expect(fired).toEqual([]);
    await clock.advance(1500);
    expect(fired).toEqual(['1s', '2s']);
    expect(clock.now()).toBe(2499);
  });

  it('runs a sleeping loop once per period', async () => {
    const clock = new ManualClock(0);
    let ticks = 0;
    void (async () => {
      for (let i = 0; i < 10; i++) {
        await clock.sleep(60_000);
        ticks++;
      }
    })();
    await clock.advance(5 * 60_000);
    expect(ticks).toBe(5);
  });

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const slept = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });
});
