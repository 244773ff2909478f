// The one Bolt listener for every button: it routes each click to its button by action_id, and answers a
// click on a button it does not know instead of leaving it unacknowledged.
import { HISTORY_PAGE_ACTION } from '../../../src/blocks/history';
import { shiftActionId } from '../../../src/blocks/prep';
import { APPROVE_ACTION, REJECT_ACTION } from '../../../src/blocks/request';
import { REQUEST_FALLBACK_ACTION, REQUEST_FORCE_RECONNECT_ACTION } from '../../../src/blocks/watch';
import { approveButton } from '../../../src/listeners/actions/approve';
import { historyPageButton } from '../../../src/listeners/actions/history-page';
import { BUTTONS, buttonFor, claims } from '../../../src/listeners/actions/index';
import { rejectButton } from '../../../src/listeners/actions/reject';
import { requestFallbackButton } from '../../../src/listeners/actions/request-fallback';
import { requestForceReconnectButton } from '../../../src/listeners/actions/request-force-reconnect';
import { requestShiftButton } from '../../../src/listeners/actions/request-shift';
import { startHarness, type Harness } from '../../support/slack-harness';

describe('routing a click to its button', () => {
  it.each([
    [APPROVE_ACTION, approveButton],
    [REJECT_ACTION, rejectButton],
    [shiftActionId(10), requestShiftButton],
    [shiftActionId(100), requestShiftButton],
    [REQUEST_FALLBACK_ACTION, requestFallbackButton],
    [REQUEST_FORCE_RECONNECT_ACTION, requestForceReconnectButton],
    [HISTORY_PAGE_ACTION, historyPageButton],
  ])('%s goes to its own button', (actionId, button) => {
    expect(buttonFor(actionId)).toBe(button);
  });

  it('matches action_ids whole, not by prefix', () => {
    expect(buttonFor(`${APPROVE_ACTION}_extra`)).toBeUndefined();
    expect(buttonFor(`x${REJECT_ACTION}`)).toBeUndefined();
    expect(buttonFor(`${shiftActionId(10)}0000`)).toBeUndefined();
  });

  it('has no action_id two buttons would both claim', () => {
    const ids = [APPROVE_ACTION, REJECT_ACTION, shiftActionId(50), REQUEST_FALLBACK_ACTION, REQUEST_FORCE_RECONNECT_ACTION, HISTORY_PAGE_ACTION];
    for (const id of ids) {
      const claiming = BUTTONS.filter((b) => claims(b, id));
      expect(claiming).toHaveLength(1);
    }
  });
});

describe('a click on a button the bot does not know', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('is acknowledged and answered, only to the clicker, with what to do instead; nothing else happens', async () => {
    const sent = await h.click('switchover_retired_button', 'dev');
    expect(sent.status).toBe(200);
    const { body } = await h.responseTo(sent);
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(body.text).toBe('switchover-bot does not know this button, so nothing happened. Type `/switchover help` to see what it can do.');
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.logs().find((l) => l.msg === 'click on a button the bot does not know')).toMatchObject({ action: 'switchover_retired_button', outcome: 'unknown' });
  });
});
