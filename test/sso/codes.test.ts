import { describe, expect, it } from 'vitest';
import { formatUserCode, newUserCode, normalizeUserCode, USER_CODE_ALPHABET } from '../../src/sso/codes.js';

describe('user codes', () => {
  it('are 8 letters of the unambiguous alphabet, every letter in use', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = newUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(USER_CODE_ALPHABET.length);
  });

  it('are shown with a dash and read back in any case, with or without it', () => {
    expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
    expect(normalizeUserCode('bcdf-ghjk')).toBe('BCDFGHJK');
    expect(normalizeUserCode(' BCDF GHJK ')).toBe('BCDFGHJK');
    expect(normalizeUserCode('BCDF-GHJA')).toBeUndefined(); // a vowel is never part of a code
    expect(normalizeUserCode('BCDF-GHJ')).toBeUndefined();
    expect(normalizeUserCode('B'.repeat(40))).toBeUndefined();
  });
});
