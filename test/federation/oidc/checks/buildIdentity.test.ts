import { describe, expect, it } from 'vitest';
import { buildIdentity } from '../../../../src/federation/oidc/checks/buildIdentity.js';
import { checkAudience } from '../../../../src/federation/oidc/checks/checkAudience.js';
import { ISSUER, trustedProvider } from '../fixtures.js';

const provider = trustedProvider();

function build(claims: Record<string, unknown>) {
  const full = { iss: ISSUER, sub: 'alice', aud: 'test-app', exp: 2_000_000_000, iat: 1_700_000_000, ...claims };
  return buildIdentity(full, provider, checkAudience(full, provider), full.sub as string);
}

describe('buildIdentity', () => {
  it('builds the asserted identity', () => {
    const { identity, audience, issuer, providerName } = build({ auth_time: 1_699_999_000, amr: ['pwd', 'mfa'] });
    expect(identity).toMatchObject({
      type: 'oidc',
      provider: 'idp.example.com',
      providerArn: 'arn:aws:iam::123456789012:oidc-provider/idp.example.com',
      subject: 'alice',
      issuer: ISSUER,
      mfaAtIdp: true,
      authenticatedAt: 1_699_999_000,
    });
    expect([audience, issuer, providerName]).toEqual(['test-app', ISSUER, 'idp.example.com']);
  });

  it("sets AWS's condition keys", () => {
    const keys = build({ amr: ['pwd'] }).identity.conditionKeys;
    expect(keys['idp.example.com:aud']).toBe('test-app');
    expect(keys['idp.example.com:oaud']).toBe('test-app');
    expect(keys['idp.example.com:sub']).toBe('alice');
    expect(keys['idp.example.com:amr']).toEqual(['pwd']);
    expect(keys['aws:federatedprovider']).toBe(provider.arn);
    expect(keys['idp.example.com:azp']).toBeUndefined();
  });

  it('maps :aud to azp and :oaud to the original aud', () => {
    const keys = build({ aud: ['test-app', 'https://api.example.com'], azp: 'other-app' }).identity.conditionKeys;
    expect(keys['idp.example.com:aud']).toBe('other-app');
    expect(keys['idp.example.com:oaud']).toEqual(['test-app', 'https://api.example.com']);
    expect(keys['idp.example.com:azp']).toBe('other-app');
  });

  it('adds every other string or string-list claim, lower-cased, and skips other types', () => {
    const keys = build({
      email: 'alice@example.com',
      groups: ['dev', 'ops'],
      Department: 'R&D',
      'https://example.com/roles': ['admin'],
      email_verified: true,
      age: 42,
      address: { country: 'NL' },
      mixed: ['a', 1],
    }).identity.conditionKeys;
    expect(keys['idp.example.com:email']).toBe('alice@example.com');
    expect(keys['idp.example.com:groups']).toEqual(['dev', 'ops']);
    expect(keys['idp.example.com:department']).toBe('R&D');
    expect(keys['idp.example.com:https://example.com/roles']).toEqual(['admin']);
    expect(keys['idp.example.com:iss']).toBe(ISSUER);
    for (const skipped of ['email_verified', 'age', 'address', 'mixed', 'exp', 'iat']) {
      expect(keys[`idp.example.com:${skipped}`], skipped).toBeUndefined();
    }
    expect(Object.keys(keys).every((k) => k === k.toLowerCase())).toBe(true);
  });

  it('never lets a claim override the keys AWS defines', () => {
    const keys = build({ oaud: 'forged', AUD: 'forged', Sub: 'root', AMR: ['mfa'], amr: ['pwd'] }).identity.conditionKeys;
    expect(keys['idp.example.com:oaud']).toBe('test-app');
    expect(keys['idp.example.com:aud']).toBe('test-app');
    expect(keys['idp.example.com:sub']).toBe('alice');
    expect(keys['idp.example.com:amr']).toEqual(['pwd']);
  });

  it("skips claim names that could pose as another provider's keys", () => {
    const keys = build({ '8443:sub': 'admin', 'a b': 'x' }).identity.conditionKeys;
    expect(keys['idp.example.com:8443:sub']).toBeUndefined();
    expect(keys['idp.example.com:a b']).toBeUndefined();
  });

  it('derives mfaAtIdp from amr ∩ mfaAmr', () => {
    expect(build({ amr: ['pwd'] }).identity.mfaAtIdp).toBe(false);
    expect(build({ amr: ['pwd', 'otp'] }).identity.mfaAtIdp).toBe(true);
    expect(build({}).identity.mfaAtIdp).toBe(false);
    expect(build({ amr: 'hwk' }).identity.mfaAtIdp).toBe(true);
  });

  it('dates the authentication by auth_time, else by iat (never by the time of the call), else leaves it unknown', () => {
    expect(build({ auth_time: 1_700_000_000, iat: 1_700_000_500 }).identity.authenticatedAt).toBe(1_700_000_000);
    expect(build({ iat: 1_700_000_500 }).identity.authenticatedAt).toBe(1_700_000_500);
    expect(build({ auth_time: 'yesterday', iat: 1_700_000_500 }).identity.authenticatedAt).toBe(1_700_000_500);
    expect(build({ iat: undefined }).identity.authenticatedAt).toBeUndefined();
    expect(build({ auth_time: 'yesterday', iat: undefined }).identity.authenticatedAt).toBeUndefined();
  });
});
