/**
 * The MFA owner of a federated identity (mfa/federatedOwner.ts): the subject, or what the provider's
 * `mfaSubject` names, compared as `subjectCase` says; nothing for a transient NameID or a missing value.
 */
import { describe, expect, it } from 'vitest';
import { federatedMfaOwner, legacyMfaOwner, type FederatedSubject } from '../../src/mfa/federatedOwner.js';

const saml = (subject: string, keys: Record<string, string | string[]> = {}): FederatedSubject => ({
  type: 'saml', provider: 'Corp', subject, conditionKeys: { 'saml:sub': subject, 'saml:sub_type': 'persistent', ...keys },
});
const oidc = (subject: string, keys: Record<string, string | string[]> = {}): FederatedSubject => ({
  type: 'oidc', provider: 'login.example.com', subject, conditionKeys: { 'login.example.com:sub': subject, ...keys },
});
const owner = (provider: string, subject: string) => ({ owner: { kind: 'federated', provider, subject } });

describe('federatedMfaOwner', () => {
  it('is the subject by default (OIDC sub, persistent or other NameID formats)', () => {
    expect(federatedMfaOwner(saml('Alice'), { subjectCase: 'sensitive' })).toEqual(owner('Corp', 'Alice'));
    expect(federatedMfaOwner(saml('a@x', { 'saml:sub_type': 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' }), { subjectCase: 'sensitive' })).toEqual(owner('Corp', 'a@x'));
    expect(federatedMfaOwner(oidc('u-1'), { subjectCase: 'sensitive' })).toEqual(owner('login.example.com', 'u-1'));
  });

  it('a transient NameID owns nothing, unless mfaSubject names a stable attribute', () => {
    const t = saml('_9f1c', { 'saml:sub_type': 'transient', 'saml:attr/employeeid': ['E-7'] });
    expect(federatedMfaOwner(t, { subjectCase: 'sensitive' })).toEqual({ unstable: expect.stringContaining('transient') });
    expect(federatedMfaOwner(t, { mfaSubject: 'saml:attr/employeeId', subjectCase: 'sensitive' })).toEqual(owner('Corp', 'E-7'));
  });

  it('mfaSubject must be present with exactly one non-empty value', () => {
    const rule = { mfaSubject: 'saml:attr/employeeId', subjectCase: 'sensitive' } as const;
    for (const value of [undefined, [], ['E-1', 'E-2'], [' ']]) {
      const keys: Record<string, string[]> = value === undefined ? {} : { 'saml:attr/employeeid': value };
      expect(federatedMfaOwner(saml('alice', keys), rule)).toEqual({ unstable: expect.stringContaining('attribute employeeId') });
    }
  });

  it('for OIDC, mfaSubject is a claim of the token', () => {
    const rule = { mfaSubject: 'oid', subjectCase: 'sensitive' } as const;
    expect(federatedMfaOwner(oidc('pairwise-1', { 'login.example.com:oid': 'f00d' }), rule)).toEqual(owner('login.example.com', 'f00d'));
    expect(federatedMfaOwner(oidc('pairwise-1'), rule)).toEqual({ unstable: expect.stringContaining('claim oid') });
  });

  it('subjectCase: insensitive compares lower-cased (NFC)', () => {
    const rule = { subjectCase: 'insensitive' } as const;
    expect(federatedMfaOwner(saml('ALICE@Example.COM'), rule)).toEqual(owner('Corp', 'alice@example.com'));
    expect(federatedMfaOwner(saml('Zoe\u0301'), rule)).toEqual(owner('Corp', 'zo\u00e9'));
  });

  it('legacyMfaOwner: the subject as asserted, when it differs and is not transient', () => {
    const current = { kind: 'federated', provider: 'Corp', subject: 'alice' } as const;
    expect(legacyMfaOwner(saml('Alice'), current)).toEqual({ kind: 'federated', provider: 'Corp', subject: 'Alice' });
    expect(legacyMfaOwner(saml('alice'), current)).toBeUndefined();
    expect(legacyMfaOwner(saml('_t', { 'saml:sub_type': 'transient' }), current)).toBeUndefined();
  });
});
