import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkInResponseTo } from '../../../src/federation/saml/checks/inResponseTo.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { expectReject } from './support.js';

/** Outstanding request ids in a real store, consumed once with takeItem. */
async function requests(...ids: string[]) {
  const store = new MemoryStore();
  for (const id of ids) await store.putItem('saml-request', id, '1', Date.now() + 60_000);
  return async (id: string) => (await store.takeItem('saml-request', id)) !== null;
}

describe('checkInResponseTo', () => {
  it('consumes an outstanding request id once', async () => {
    const consume = await requests('_req1');
    expect(await checkInResponseTo({ confirmation: '_req1', response: '_req1', responseSigned: false, allowIdpInitiated: false, consumeRequestId: consume })).toBe('_req1');
    await expectReject(checkInResponseTo({ confirmation: '_req1', responseSigned: false, allowIdpInitiated: false, consumeRequestId: consume }), IDPRejectedClaim, /outstanding request/);
  });

  it('refuses an unknown request id, or any id when the caller cannot check', async () => {
    const consume = await requests('_req1');
    await expectReject(checkInResponseTo({ confirmation: '_nope', responseSigned: false, allowIdpInitiated: true, consumeRequestId: consume }), IDPRejectedClaim, /outstanding request/);
    await expectReject(checkInResponseTo({ confirmation: '_req1', responseSigned: false, allowIdpInitiated: true }), IDPRejectedClaim, /outstanding request/);
  });

  it('accepts IdP-initiated (no InResponseTo) only when the provider allows it', async () => {
    expect(await checkInResponseTo({ responseSigned: false, allowIdpInitiated: true })).toBeUndefined();
    await expectReject(checkInResponseTo({ responseSigned: false, allowIdpInitiated: false }), IDPRejectedClaim, /IdP-initiated/);
  });

  it('refuses InResponseTo values that disagree', async () => {
    const consume = await requests('_a', '_b');
    await expectReject(checkInResponseTo({ response: '_a', confirmation: '_b', responseSigned: true, allowIdpInitiated: false, consumeRequestId: consume }), IDPRejectedClaim, /differs/);
  });

  it('uses Response@InResponseTo alone only when the Response is signed', async () => {
    const consume = await requests('_a');
    await expectReject(checkInResponseTo({ response: '_a', responseSigned: false, allowIdpInitiated: true, consumeRequestId: consume }), IDPRejectedClaim, /not covered by a signature/);
    expect(await checkInResponseTo({ response: '_a', responseSigned: true, allowIdpInitiated: false, consumeRequestId: consume })).toBe('_a');
  });
});
