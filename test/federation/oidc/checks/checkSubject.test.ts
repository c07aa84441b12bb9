import { describe, expect, it } from 'vitest';
import { checkSubject } from '../../../../src/federation/oidc/checks/checkSubject.js';

describe('checkSubject', () => {
  it('returns sub', () => {
    expect(checkSubject({ sub: 'a' })).toBe('a');
    expect(checkSubject({ sub: 'x'.repeat(255) })).toHaveLength(255);
  });

  it('requires sub', () => {
    expect(() => checkSubject({})).toThrow(/no sub/);
  });

  it.each([['empty', ''], ['too long', 'x'.repeat(256)], ['a number', 42], ['a list', ['alice']]])('rejects a sub that is %s', (_l, sub) => {
    expect(() => checkSubject({ sub })).toThrow(/1 to 255 characters/);
  });
});
