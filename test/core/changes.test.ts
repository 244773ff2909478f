import { appliedChanges, switchoverStart, type ChangeMark } from '../../src/core/changes';
import { at, switchoverJournal } from '../support/switchover-data';

const mark = (m: number, before: number, after: number): ChangeMark => ({ at: at(m), label: `shift ${after}%`, targetPercent: { before, after } });

describe('appliedChanges', () => {
  it('labels each applied change of the stage with its weights before and after, oldest first', () => {
    expect(appliedChanges(switchoverJournal(), 'dev')).toEqual([
      { at: at(20) + 5000, label: 'shift 10%', targetPercent: { before: 0, after: 10 } },
      { at: at(40) + 5000, label: 'shift 100%', targetPercent: { before: 10, after: 100 } },
    ]);
    expect(appliedChanges(switchoverJournal(), 'prod')).toEqual([]);
  });
});

describe('switchoverStart', () => {
  it('is the newest move off an all-source listener up to the moment', () => {
    const changes = [mark(0, 0, 10), mark(10, 10, 0), mark(20, 0, 10), mark(30, 10, 100)];
    expect(switchoverStart(changes, at(40))).toBe(at(20));
    expect(switchoverStart(changes, at(15))).toBe(at(0)); // before the second attempt
  });

  it('is the oldest change known when none starts from 0%, and undefined without changes', () => {
    expect(switchoverStart([mark(5, 10, 50), mark(9, 50, 100)], at(10))).toBe(at(5));
    expect(switchoverStart([], at(10))).toBeUndefined();
  });
});
