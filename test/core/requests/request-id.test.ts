import { newRequestId, REQUEST_ID_PATTERN } from '../../../src/core/requests/request-id';

describe('newRequestId', () => {
  it('makes short, distinct IDs of r- and 10 base36 characters', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(REQUEST_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
