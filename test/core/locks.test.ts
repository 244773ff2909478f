import { KeyedLock } from '../../src/core/locks';

describe('KeyedLock', () => {
  it('lets one holder per key in and tells the others who holds it', () => {
    const locks = new KeyedLock<{ user: string }>();
    const first = locks.tryAcquire('dev', { user: 'U1' });
    expect(first.acquired).toBe(true);
    const second = locks.tryAcquire('dev', { user: 'U2' });
    expect(second).toEqual({ acquired: false, holder: { user: 'U1' } });
    // Another key is independent.
    expect(locks.tryAcquire('gamma', { user: 'U2' }).acquired).toBe(true);
    expect(locks.holder('dev')).toEqual({ user: 'U1' });
    expect(locks.keys().sort()).toEqual(['dev', 'gamma']);
  });

  it('frees the key on release, and a stale release does not free a newer hold', () => {
    const locks = new KeyedLock<string>();
    const first = locks.tryAcquire('dev', 'U1');
    if (!first.acquired) throw new Error('expected to acquire');
    first.release();
    expect(locks.holder('dev')).toBeUndefined();
    const second = locks.tryAcquire('dev', 'U2');
    expect(second.acquired).toBe(true);
    first.release(); // idempotent and stale
    expect(locks.holder('dev')).toBe('U2');
  });
});
