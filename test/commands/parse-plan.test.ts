// `/switchover plan|pause|resume`: the plan's steps and bake time, and a clear message for each kind of bad input.
import { isParseError, parseCommand, type ParseError } from '../../src/commands/parse';

function error(text: string): string {
  const result = parseCommand(text);
  if (!isParseError(result)) throw new Error(`expected a parse error for "${text}", got ${JSON.stringify(result)}`);
  return (result as ParseError).message;
}

describe('parsing plan, pause and resume', () => {
  it.each([
    ['plan dev 1,5,25,50,100 every 10m', { name: 'plan', stage: 'dev', steps: [1, 5, 25, 50, 100], bakeMinutes: 10 }],
    ['plan dev 1,5,25,100', { name: 'plan', stage: 'dev', steps: [1, 5, 25, 100], bakeMinutes: 10 }],
    ['plan dev 1, 5, 25%, 100% every 2m', { name: 'plan', stage: 'dev', steps: [1, 5, 25, 100], bakeMinutes: 2 }],
    ['PLAN gamma 50 EVERY 120', { name: 'plan', stage: 'gamma', steps: [50], bakeMinutes: 120 }],
    ['plan dev 10,20 every 15 ', { name: 'plan', stage: 'dev', steps: [10, 20], bakeMinutes: 15 }],
    ['plan dev 1,2,3,4,5,6,7,8,9,10 every 5min', { name: 'plan', stage: 'dev', steps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], bakeMinutes: 5 }],
    [' plan dev  1 , 5 ', { name: 'plan', stage: 'dev', steps: [1, 5], bakeMinutes: 10 }],
    ['plan dev 1,5 every 10 m', { name: 'plan', stage: 'dev', steps: [1, 5], bakeMinutes: 10 }],
    ['plan dev 1,5 every 20 minutes', { name: 'plan', stage: 'dev', steps: [1, 5], bakeMinutes: 20 }],
    ['pause dev', { name: 'pause', stage: 'dev' }],
    ['resume dev', { name: 'resume', stage: 'dev' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['plan', 'the stage is missing'],
    ['plan dev', 'the steps are missing'],
    ['plan dev every 10m', 'the steps are missing'],
    ['plan dev 5,1,25', 'the steps must increase (1 comes after 5)'],
    ['plan dev 1,5,5,25', '5 appears twice'],
    ['plan dev 0,5,25', 'every step is a whole percent from 1 to 100 (0 is not)'],
    ['plan dev 1,5,101', 'every step is a whole percent from 1 to 100 (101 is not)'],
    ['plan dev 1,2,3,4,5,6,7,8,9,10,11', 'at most 10 steps (this one has 11)'],
    ['plan dev 1,x,25', '`x` is not a step'],
    ['plan dev 1,,25', '`,` is not a step'],
    ['plan dev 1.5,25', '`1.5` is not a step'],
    ['plan dev 1,5 every', 'after `every` give the bake time in whole minutes from 2 to 120'],
    ['plan dev 1,5 every soon', 'after `every` give the bake time'],
    ['plan dev 1,5 every 1m', 'the bake time is a whole number of minutes from 2 to 120 (1 is not)'],
    ['plan dev 1,5 every 121m', '(121 is not)'],
    ['plan dev 1,5 every 10m please', 'unexpected `please`'],
    // Numbers without commas are never glued into one step (`1 0 0` is not 100 %).
    ['plan dev 1 5', '`1 5` is more than one number: separate the steps with commas, e.g. `1,5`'],
    ['plan dev 1 0 0', '`1 0 0` is more than one number'],
    ['plan dev 1, 5 25 every 10m', '`5 25` is more than one number'],
    ['plan dev 1,5 every 10 m m', 'unexpected `m`'],
    ['pause', 'the stage is missing'],
    ['resume dev now', 'unexpected `now`'],
  ])('refuses %j, saying what is wrong', (text, expected) => {
    const message = error(text);
    expect(message).toContain(expected);
  });

  it('shows the right form with an example in every plan error', () => {
    expect(error('plan dev 5,1')).toContain('Try `/switchover plan dev 1,5,25,50,100 every 10m`');
    expect(error('plan dev 1,5 every 10m please')).toContain('`/switchover plan &lt;stage&gt; &lt;percents&gt; [every &lt;N&gt;m]`');
  });
});
