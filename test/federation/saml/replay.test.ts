import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim } from '../../../src/errors.js';
import { checkReplay, replayKey } from '../../../src/federation/saml/checks/replay.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { expectReject } from './support.js';

describe('checkReplay', () => {
  it('accepts an assertion id once per provider, until NotOnOrAfter + skew', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    const seen: Array<[string, number]> = [];
    const claim = (key: string, expiresAt: number) => {
      seen.push([key, expiresAt]);
      return store.claimOnce('saml', key, expiresAt);
    };
    await checkReplay('Corp', '_a1', 2_000_000, 120, claim);
    expect(seen[0]).toEqual(['Corp|_a1', 2_000_000 + 120_000]);
    await expectReject(checkReplay('Corp', '_a1', 2_000_000, 120, claim), IDPRejectedClaim, /already used \(replay\)/);
    // another provider's assertion with the same id is another assertion
    await checkReplay('Other', '_a1', 2_000_000, 120, claim);
    // after the record expires (the assertion itself is long expired by then) the key is free
    now = 2_000_000 + 120_000 + 1;
    await checkReplay('Corp', '_a1', 3_000_000, 120, claim);
  });

  it('keys are provider|id', () => {
    expect(replayKey('Corp', '_x')).toBe('Corp|_x');
  });
});
