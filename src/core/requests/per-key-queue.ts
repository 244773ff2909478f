// One-at-a-time per key (a stage): the check of a request's status and the change it leads to
// happen without another call slipping in between (double clicks, two approvers at once, Slack retries).
// One async-mutex Mutex per stage (first come, first served); the map holds one small object per stage.
import { Mutex } from 'async-mutex';

export class PerKeyQueue {
  private readonly mutexes = new Map<string, Mutex>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let mutex = this.mutexes.get(key);
    if (!mutex) this.mutexes.set(key, (mutex = new Mutex()));
    return mutex.runExclusive(work);
  }
}
