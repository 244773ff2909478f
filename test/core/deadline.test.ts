import { ManualClock } from '../../src/adapters/clock';
import { withDeadline } from '../../src/core/deadline';

describe('withDeadline', () => {
  it("gives the work's answer when it comes in time, and leaves no timer behind", async () => {
    const clock = new ManualClock(0);
    const sleep = jest.fn((ms: number, signal?: AbortSignal) => clock.sleep(ms, signal));
    await expect(withDeadline(Promise.resolve('answer'), 1_000, () => 'late', sleep)).resolves.toBe('answer');
    expect(sleep.mock.calls[0]![1]!.aborted).toBe(true);
  });

  it('gives what late() gives, or throws what it throws, once the deadline passed on a call that never answers', async () => {
    const clock = new ManualClock(0);
    const never = new Promise<string>(() => undefined);
    const value = withDeadline(never, 1_000, () => undefined, (ms, signal) => clock.sleep(ms, signal));
    const thrown = withDeadline(never, 2_000, () => {
      throw new Error('no answer within 2 s');
    }, (ms, signal) => clock.sleep(ms, signal));
    const thrownSeen = expect(thrown).rejects.toThrow('no answer within 2 s');
    await clock.advance(1_000);
    await expect(value).resolves.toBeUndefined();
    await clock.advance(1_000);
    await thrownSeen;
  });
});
