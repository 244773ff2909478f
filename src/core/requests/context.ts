// What the phases of a request (creation, eligibility, apply and recovery, closing) share: the ports, the
// settings, the book of requests and the journal discipline. Durable first, then the book: a record that could
// not be written changes nothing; a record of what AWS already did moves the book on even if the journal fails.
import { errorMessage } from '../format';
import type { JournalRecord } from '../journal';
import type { CoreDeps } from '../ports';
import { RequestBook } from './request-book';
import { PlanBook } from '../plan/plan';
import type { SwitchoverRequest } from './request';
import { withDeadline } from '../deadline';

export interface ApprovalSettings {
  /** SWITCHOVER_APPROVAL_TTL_MINUTES. */
  ttlMinutes: number;
  /** SWITCHOVER_APPROVERS: user IDs and user-group IDs; empty means anyone but the requester. */
  approvers: string[];
  /** Request ID generator (tests). */
  newId?: () => string;
  /** How long the preview waits for reads it can do without (target health, ECS); default 10 s. */
  optionalReadTimeoutMs?: number;
  /**
   * How long applying waits for one AWS call (a listener read, the write) before it settles from a read-back;
   * default 30 s. The SDK has its own timeouts; this bounds the stage lock whatever the transport does.
   */
  awsCallTimeoutMs?: number;
  /** Waits between re-reads of a listener whose change is unconfirmed; the last repeats. Default 30 s doubling to 5 min. */
  rereadDelaysMs?: number[];
}

export class RequestsContext {
  book = new RequestBook();
  /** Plans (requests of kind plan, once their first step is applied) folded from the same records. */
  plans = new PlanBook();
  /** Requests closed without a change, until the stage's lock is released and the plans hear of them. */
  readonly closed: SwitchoverRequest[] = [];

  constructor(
    readonly deps: CoreDeps,
    readonly settings: ApprovalSettings,
  ) {}

  /** The request as the book has it now (callers hold its ID from the book). */
  request(id: string): SwitchoverRequest {
    return this.book.get(id)!;
  }

  async append(record: JournalRecord): Promise<void> {
    await this.deps.journal.append(record);
    this.applyToBooks(record);
  }

  /** Rebuilds both books from the whole journal. */
  fold(records: readonly JournalRecord[]): void {
    this.book = RequestBook.fold(records);
    this.plans = PlanBook.fold(records);
  }

  private applyToBooks(record: JournalRecord): void {
    this.book.apply(record);
    this.plans.apply(record);
  }

  /**
   * For records of what already happened (AWS was written): the book follows even if the journal fails, so
   * nothing is applied twice in this process; the problem is returned for the outcome to mention.
   */
  async appendAfterActing(record: JournalRecord): Promise<string | undefined> {
    try {
      await this.deps.journal.append(record);
      return undefined;
    } catch (error) {
      return `The journal could not record this (${errorMessage(error)}).`;
    } finally {
      this.applyToBooks(record);
    }
  }

  nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** `work`, or a rejection once `ms` of the clock passed without an answer (the work itself is not cancelled). */
  deadline<T>(work: Promise<T>, ms: number): Promise<T> {
    return withDeadline(
      work,
      ms,
      () => {
        throw new Error(`no answer within ${Math.round(ms / 1000)} s`);
      },
      (wait, signal) => this.deps.clock.sleep(wait, signal),
    );
  }
}
