import { ConcurrencyLimit } from '../../src/core/concurrency-limit';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('ConcurrencyLimit', () => {
  it('runs at most max tasks at once and the rest in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const done = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(2);

    gates[1]!.resolve();
    await flush();
    expect(started).toEqual([0, 1, 2]);

    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await expect(Promise.all(done)).resolves.toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.queued).toBe(0);
  });

  it("frees the slot when a task fails, and the failure reaches only that task's caller", async () => {
    const limit = new ConcurrencyLimit(1);
    const failing = limit.run(async () => {
      throw new Error('AWS said no');
    });
    const next = limit.run(async () => 'ran');
    await expect(failing).rejects.toThrow('AWS said no');
    await expect(next).resolves.toBe('ran');
  });

  it('lets a task that arrives while the line is moving wait behind the ones already waiting', async () => {
    const limit = new ConcurrencyLimit(1);
    const first = deferred();
    const order: string[] = [];
    const a = limit.run(async () => {
      await first.promise;
      order.push('a');
    });
    const b = limit.run(async () => {
      order.push('b');
    });
    first.resolve();
    await a;
    const c = limit.run(async () => {
      order.push('c');
    });
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('refuses a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow('from 1 up');
  });
});
