import { describe, expect, it } from 'vitest';
import { checkAudience } from '../../../../src/federation/oidc/checks/checkAudience.js';
import { InvalidIdentityToken } from '../../../../src/errors.js';
import { trustedProvider } from '../fixtures.js';

const provider = trustedProvider({ clientIds: new Set(['test-app', 'other-app']) });

describe('checkAudience', () => {
  it('accepts a string aud that is a client id', () => {
    expect(checkAudience({ aud: 'test-app' }, provider)).toEqual({ audience: 'test-app', originalAudience: 'test-app' });
  });

  it('accepts an aud list containing a client id and reports the matching value', () => {
    expect(checkAudience({ aud: ['https://api.example.com', 'other-app'] }, provider)).toEqual({
      audience: 'other-app',
      originalAudience: ['https://api.example.com', 'other-app'],
    });
  });

  it('uses azp as the audience when present, as AWS does for Google', () => {
    expect(checkAudience({ aud: 'test-app', azp: 'other-app' }, provider)).toEqual({
      audience: 'other-app',
      originalAudience: 'test-app',
      authorizedParty: 'other-app',
    });
  });

  it('refuses a token whose aud is foreign even when its azp is a client id (a token for another service)', () => {
    expect(() => checkAudience({ aud: '1234.apps.example.com', azp: 'test-app' }, provider)).toThrow(new InvalidIdentityToken('Incorrect token audience'));
    expect(() => checkAudience({ aud: ['https://api.example.com'], azp: 'test-app' }, provider)).toThrow(InvalidIdentityToken);
  });

  it.each([
    ['aud not a client id', { aud: 'someone-else' }],
    ['no aud', {}],
    ['empty aud list', { aud: [] }],
    ['aud list with a non-string', { aud: ['test-app', 7] }],
    ['aud a number', { aud: 7 }],
    ['azp not a string', { aud: 'test-app', azp: ['test-app'] }],
    ['foreign aud and foreign azp', { aud: 'x', azp: 'y' }],
  ])('rejects %s with "Incorrect token audience"', (_label, claims) => {
    expect(() => checkAudience(claims, provider)).toThrow(new InvalidIdentityToken('Incorrect token audience'));
  });

  it('compares client ids exactly', () => {
    expect(() => checkAudience({ aud: 'TEST-APP' }, provider)).toThrow(InvalidIdentityToken);
  });
});
