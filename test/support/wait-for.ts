// Waiting on what a fake recorded: the first match now, or at one of the fake's later 'change' events.
import type { EventEmitter } from 'node:events';

export function waitForChange<T>(fake: EventEmitter, find: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
  const found = find();
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fake.off('change', check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const check = () => {
      const item = find();
      if (item === undefined) return;
      clearTimeout(timer);
      fake.off('change', check);
      resolve(item);
    };
    fake.on('change', check);
  });
}
