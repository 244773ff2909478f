import { PerKeyQueue } from '../../../src/core/requests/per-key-queue';

describe('PerKeyQueue', () => {
  it('runs work for one key one at a time, in order, and other keys alongside', async () => {
    const lock = new PerKeyQueue();
    const events: string[] = [];
    let releaseFirst!: () => void;
    const first = lock.run('dev', async () => {
      events.push('dev-1 start');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      events.push('dev-1 end');
    });
    const second = lock.run('dev', async () => {
      events.push('dev-2');
    });
    const other = lock.run('gamma', async () => {
      events.push('gamma');
    });
    await other;
    expect(events).toEqual(['dev-1 start', 'gamma']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(['dev-1 start', 'gamma', 'dev-1 end', 'dev-2']);
  });

  it('goes on after a failure', async () => {
    const lock = new PerKeyQueue();
    await expect(lock.run('dev', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('dev', async () => 'next')).resolves.toBe('next');
  });
});
