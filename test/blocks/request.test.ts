import type { types } from '@slack/bolt';
import {
  APPROVE_ACTION,
  APPROVE_CONFIRM_CALLBACK,
  approveConfirmView,
  REJECT_ACTION,
  requestMessage,
  slackDate,
} from '../../src/blocks/request';
import { MAX_BLOCKS, SECTION_TEXT_MAX } from '../../src/blocks/common';
import { summarizeHealth } from '../../src/core/health';
import type { Preview } from '../../src/core/requests/preview';
import type { SwitchoverRequest } from '../../src/core/requests/request';
import { describeWeights } from '../../src/core/weights';
import { REQUEST_T0, switchoverRequest } from '../support/requests';

const T0 = REQUEST_T0;

const request = switchoverRequest;

function preview(overrides: Partial<Preview> = {}): Preview {
  const group = { arn: 'arn', name: 'g', dimension: 'd' };
  return {
    currentText: describeWeights({ source: 1, target: 0 }),
    sourceGroup: 'ALBSourceProxy-dev-TG',
    targetGroup: 'ALBTargetProxy-dev-TG',
    sourceHealth: summarizeHealth({ targetGroup: group, targets: [{ id: '10.0.0.1', port: 9200, state: 'healthy' }] }),
    targetHealth: summarizeHealth({
      targetGroup: group,
      targets: [
        { id: '10.0.1.1', port: 9200, state: 'healthy' },
        { id: '10.0.1.2', port: 9200, state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
      ],
    }),
    captureProxy: { desired: 2, running: 2, pending: 0 },
    targetProxy: { desired: 2, running: 1, pending: 1 },
    notes: ['Health of X is unknown: <script>&'],
    ...overrides,
  };
}

/** Every piece of text in the blocks, for assertions that do not depend on the layout. */
function allText(blocks: unknown): string {
  return JSON.stringify(blocks);
}

function actions(blocks: types.KnownBlock[]): types.ActionsBlock[] {
  return blocks.filter((b): b is types.ActionsBlock => b.type === 'actions');
}

function checkLimits(blocks: types.KnownBlock[]) {
  expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const block of blocks) {
    if (block.type === 'section') {
      const s = block as types.SectionBlock;
      if (s.text) expect(s.text.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
      expect(s.fields?.length ?? 0).toBeLessThanOrEqual(10);
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(150);
  }
}

describe('requestMessage', () => {
  it('shows an open request with the preview and Approve / Reject buttons carrying the request ID', () => {
    const message = requestMessage(request(), preview());
    checkLimits(message.blocks);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Request: shift 25% of new traffic to the target proxy on dev', emoji: true },
    });
    const text = allText(message.blocks);
    expect(text).toContain('*Weights now:* source 1 / target 0 (all new traffic to the source proxy)');
    expect(text).toContain('*Proposed:* source 75 / target 25 (25% of new traffic to the target proxy)');
    expect(text).toContain('ALBSourceProxy-dev-TG: 1/1 healthy');
    expect(text).toContain('ALBTargetProxy-dev-TG: 1/2 healthy, 1 unhealthy');
    expect(text).toContain('10.0.1.2:9200 unhealthy (Target.FailedHealthChecks)');
    expect(text).toContain('1 running of 2 desired, 1 pending');
    expect(text).toContain('<@U0REQ>');
    expect(text).toContain(slackDate(T0 + 15 * 60_000));
    // Error text from AWS is escaped; it cannot inject Slack markup.
    expect(text).toContain('Health of X is unknown: &lt;script&gt;&amp;');

    const [buttons] = actions(message.blocks);
    expect(buttons!.elements).toEqual([
      { type: 'button', action_id: APPROVE_ACTION, text: { type: 'plain_text', text: 'Approve', emoji: true }, value: 'r-abcdefghij', style: 'primary' },
      { type: 'button', action_id: REJECT_ACTION, text: { type: 'plain_text', text: 'Reject', emoji: true }, value: 'r-abcdefghij', style: 'danger' },
    ]);
    expect(message.text).toBe(
      'Switchover request on dev: shift 25% of new traffic to the target proxy, asked by <@U0REQ>; approve or reject before 2026-01-01 12:15 UTC.',
    );
  });

  it('says unknown where the preview could not read health or ECS, and renders without a preview', () => {
    const unknown = requestMessage(request({ kind: 'fallback', percent: 0, to: { source: 100, target: 0 } }), preview({ sourceHealth: null, targetHealth: null, targetProxy: null, captureProxy: null, notes: [] }));
    const text = allText(unknown.blocks);
    expect(text).toContain('ALBTargetProxy-dev-TG: unknown');
    expect(text).toContain('*Target proxy tasks*\\nunknown');
    expect(unknown.blocks[0]).toMatchObject({ text: { text: 'Request: fall back to the source proxy (all new traffic) on dev' } });

    const bare = requestMessage(request());
    checkLimits(bare.blocks);
    expect(actions(bare.blocks)).toHaveLength(1);
    expect(allText(bare.blocks)).toContain('*Proposed:* source 75 / target 25');
  });

  it('shows an applied request with who asked, who approved, before and after as AWS reports, and no buttons', () => {
    const message = requestMessage(
      request({
        status: 'applied',
        approver: 'U0APP',
        approvedAt: T0 + 60_000,
        closedAt: T0 + 61_000,
        before: { source: 1, target: 0 },
        after: { source: 70, target: 30 },
        note: 'AWS reports source 70 / target 30, not the requested source 75 / target 25.',
      }),
    );
    checkLimits(message.blocks);
    expect(actions(message.blocks)).toEqual([]);
    expect(message.blocks[0]).toMatchObject({ text: { text: 'Applied: shift 25% of new traffic to the target proxy on dev' } });
    const text = allText(message.blocks);
    expect(text).toContain('*Asked by* <@U0REQ> · *Approved by* <@U0APP>');
    expect(text).toContain(slackDate(T0 + 61_000));
    expect(text).toContain('*Before:* source 1 / target 0');
    expect(text).toContain('*After (as AWS reports):* source 70 / target 30');
    expect(text).toContain('not the requested');
    expect(message.text).toBe('Applied on dev: shift 25% of new traffic to the target proxy (asked by <@U0REQ>, approved by <@U0APP>).');
  });

  it.each([
    [{ status: 'rejected', closedBy: 'U0REJ', closedAt: T0 + 120_000 }, 'Rejected', 'Rejected by <@U0REJ>'],
    [{ status: 'cancelled', closedBy: 'U0REQ', closedAt: T0 + 120_000 }, 'Cancelled', 'Cancelled by <@U0REQ>'],
    [
      { status: 'cancelled', closedAt: T0 + 120_000, note: 'the plan r-0000000001 already fell back to the source proxy automatically (error-rate breached); this request is no longer needed' },
      'Cancelled',
      `Cancelled by the bot ${slackDate(T0 + 120_000)}: the plan r-0000000001 already fell back to the source proxy automatically (error-rate breached); this request is no longer needed. Nothing changed.`,
    ],
    [{ status: 'expired', closedAt: T0 + 15 * 60_000 }, 'Expired', 'without approval. Nothing changed.'],
    [
      { status: 'failed', approver: 'U0APP', closedAt: T0 + 120_000, error: 'the weights changed since the request <x>', after: { source: 50, target: 50 } },
      'Failed',
      'the weights changed since the request &lt;x&gt;',
    ],
    [{ status: 'approved', approver: 'U0APP' }, 'Applying', 'Approved by <@U0APP>; applying now.'],
  ] as const)('shows a %o request in its final state without buttons', (overrides, state, detail) => {
    const message = requestMessage(request(overrides as Partial<SwitchoverRequest>));
    checkLimits(message.blocks);
    expect(actions(message.blocks)).toEqual([]);
    expect(message.blocks[0]).toMatchObject({ text: { text: `${state}: shift 25% of new traffic to the target proxy on dev` } });
    expect(allText(message.blocks)).toContain(detail);
    expect(message.text.startsWith(`${state} on dev:`)).toBe(true);
  });

  it('keeps a huge error within Block Kit limits', () => {
    const message = requestMessage(request({ status: 'failed', error: 'x'.repeat(10_000) }));
    checkLimits(message.blocks);
  });

  it('describes a force reconnect as a capture proxy restart with weights unchanged', () => {
    const r = request({ kind: 'forceReconnect', percent: 0, from: { source: 0, target: 1 }, to: { source: 0, target: 1 } });
    const open = allText(requestMessage(r, preview({ currentText: describeWeights({ source: 0, target: 1 }) })).blocks);
    expect(open).toContain('Request: restart the capture proxy so pinned clients reconnect on dev');
    expect(open).toContain('*Weights (unchanged):* source 0 / target 1');
    const applied = allText(requestMessage({ ...r, status: 'applied', approver: 'U0APP', after: r.to }).blocks);
    expect(applied).toContain('A rolling restart of the capture proxy has started');
  });
});

describe('approveConfirmView', () => {
  it('is a modal restating exactly what will change, with the request ID as private metadata', () => {
    const view = approveConfirmView(request());
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: APPROVE_CONFIRM_CALLBACK,
      private_metadata: 'r-abcdefghij',
      title: { type: 'plain_text', text: 'Approve the change' },
      submit: { type: 'plain_text', text: 'Apply' },
      close: { type: 'plain_text', text: 'Cancel' },
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const text = allText(view.blocks);
    expect(text).toContain('*Change:* shift 25% of new traffic to the target proxy on dev');
    expect(text).toContain('*Weights now:* source 1 / target 0 (all new traffic to the source proxy)');
    expect(text).toContain('*Will become:* source 75 / target 25 (25% of new traffic to the target proxy)');
    expect(text).toContain('*Requested by:* <@U0REQ>');
  });
});
