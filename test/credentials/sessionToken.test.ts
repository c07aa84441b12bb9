import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExpiredToken, InvalidClientTokenId } from '../../src/errors.js';
import { openSessionToken, sealSessionToken, SESSION_TOKEN_PURPOSE } from '../../src/credentials/sessionToken.js';
import type { SessionClaims } from '../../src/credentials/types.js';
import { generateSealingKey, KeyRing } from '../../src/keys/keyRing.js';

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0);
const NOW_S = NOW / 1000;
const ring = new KeyRing({ sealingKeys: [generateSealingKey()] });

/** A policy of typical shape, `chars` long. */
function typicalPolicy(chars: number): string {
  const statements: object[] = [];
  for (let i = 0; ; i++) {
    const next = [
      ...statements,
      {
        Sid: `AllowTeamData${i}`,
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::team-${randomBytes(3).toString('hex')}-data`, `arn:aws:s3:::team-${randomBytes(3).toString('hex')}-data/*`],
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      },
    ];
    if (JSON.stringify({ Version: '2012-10-17', Statement: next }).length > chars) break;
    statements.push(next.at(-1)!);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

const fullClaims: SessionClaims = {
  accessKeyId: 'ASIAQ2FMBAJRB3XA7DLE',
  secretAccessKey: 'k5Zs0cJ0cDqvJbXWmEHZvJ7sOMBtPqMqHdyq9fXy',
  issuedAt: NOW_S - 60,
  expiresAt: NOW_S + 3540,
  account: '111122223333',
  partition: 'aws-cn',
  issuer: 'AssumeRoleWithSAML',
  principal: { kind: 'AssumedRole', roleName: 'Developer', rolePath: '/team/', roleId: 'AROA3XFRBF23VHKWA7BFQ', sessionName: 'alice@example.com' },
  federated: { type: 'saml', provider: 'ExampleCorp', subject: 'alice' },
  sourceIdentity: 'alice',
  mfa: { authenticatedAt: NOW_S - 120, serial: 'arn:aws:iam::111122223333:mfa/federated/ExampleCorp/abc' },
  chained: true,
  notAfter: NOW_S + 1800,
  sessionPolicy: { inline: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}', managed: ['ReadOnlyAccess', 'Billing'] },
  context: { 'saml:sub': 'alice', 'saml:attr/groups': ['dev', 'ops', 'é-ü'], 'aws:federatedprovider': 'arn:aws:iam::111122223333:saml-provider/ExampleCorp' },
  tags: { tags: [{ key: 'Department', value: 'Engineering' }, { key: 'Kostenstelle', value: 'Ü-42' }, { key: 'Empty', value: '' }], transitiveTagKeys: ['Department'] },
};

describe('session tokens', () => {
  it('round-trips every claim field', () => {
    expect(openSessionToken(ring, sealSessionToken(ring, fullClaims), NOW)).toEqual(fullClaims);
  });

  it('a frozen context (kept per person by the SSO portal) seals the same as a fresh one, with or without policy and tags', () => {
    const context = Object.freeze({ 'aws:federatedprovider': 'arn:aws:iam::111122223333:saml-provider/Okta', 'saml:sub': 'alice', 'saml:doc': Object.freeze(['a', 'b']) });
    const { sessionPolicy: _p, tags: _t, ...bare } = fullClaims;
    const withFrozen = { ...bare, context };
    // Twice: the second time the context's JSON comes from what the first sealing kept.
    expect(openSessionToken(ring, sealSessionToken(ring, withFrozen), NOW)).toEqual(withFrozen);
    expect(openSessionToken(ring, sealSessionToken(ring, withFrozen), NOW)).toEqual(withFrozen);
    const withEverything = { ...fullClaims, context };
    expect(openSessionToken(ring, sealSessionToken(ring, withEverything), NOW)).toEqual(withEverything);
    expect(openSessionToken(ring, sealSessionToken(ring, withFrozen), NOW)).toEqual(withFrozen);
  });

  it('round-trips minimal claims of every principal kind and issuer', () => {
    const base = { accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40), issuedAt: NOW_S, expiresAt: NOW_S + 900, account: '111122223333', partition: 'aws' };
    const variants: SessionClaims[] = [
      { ...base, issuer: 'AssumeRoleWithWebIdentity', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' } },
      { ...base, issuer: 'AssumeRole', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' }, mfa: { authenticatedAt: NOW_S } },
      { ...base, issuer: 'AssumeRoleWithSAML', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' }, mfa: { authenticatedAt: NOW_S, method: 'webauthn' } },
      { ...base, issuer: 'GetSessionToken', principal: { kind: 'User', userName: 'portal', userId: 'AIDAX' } },
      { ...base, issuer: 'GetFederationToken', principal: { kind: 'FederatedUser', name: 'Bob', userName: 'portal', userId: 'AIDAX' }, sessionPolicy: { managed: ['P'] } },
      { ...base, issuer: 'AssumeRoleWithWebIdentity', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' }, federated: { type: 'oidc', provider: 'accounts.example.com', subject: 'u1' }, sessionPolicy: { inline: '{}' } },
      // The MFA owner of the federated identity: a stable identifier, or none (a transient NameID).
      { ...base, issuer: 'AssumeRoleWithSAML', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' }, federated: { type: 'saml', provider: 'Corp', subject: '_t1', mfaSubject: 'E-1001' } },
      { ...base, issuer: 'AssumeRoleWithSAML', principal: { kind: 'AssumedRole', roleName: 'R', rolePath: '/', roleId: 'AROAX', sessionName: 's' }, federated: { type: 'saml', provider: 'Corp', subject: '_t2', mfaSubject: null } },
    ];
    for (const claims of variants) expect(openSessionToken(ring, sealSessionToken(ring, claims), NOW)).toEqual(claims);
  });

  it('is standard base64, different every time for the same claims (random IV)', () => {
    const a = sealSessionToken(ring, fullClaims);
    const b = sealSessionToken(ring, fullClaims);
    expect(a).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(fullClaims.secretAccessKey);
  });

  it('stays well under 4096 bytes with a 2 KB session policy of typical shape', () => {
    const inline = typicalPolicy(2048);
    expect(inline.length).toBeGreaterThan(1900);
    const token = sealSessionToken(ring, { ...fullClaims, sessionPolicy: { inline, managed: ['ReadOnlyAccess'] } });
    expect(token.length).toBeLessThan(2048);
    expect(openSessionToken(ring, token, NOW).sessionPolicy?.inline).toBe(inline);
  });

  it('stays compact with 50 session tags (keys 20, values 40 characters) and a 2 KB policy', () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ key: `tag-key-${String(i).padStart(12, '0')}`, value: `value ${i} ${randomBytes(15).toString('hex')}`.slice(0, 40) }));
    const token = sealSessionToken(ring, { ...fullClaims, sessionPolicy: { inline: typicalPolicy(2048) }, tags: { tags, transitiveTagKeys: tags.slice(0, 5).map((t) => t.key) } });
    expect(token.length).toBeLessThan(6000);
    expect(openSessionToken(ring, token, NOW).tags?.tags).toEqual(tags);
  });

  it('stays under 4096 bytes even with 2 KB of incompressible policy text', () => {
    const inline = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${randomBytes(1400).toString('base64')}` }] }).slice(0, 2048);
    const token = sealSessionToken(ring, { ...fullClaims, sessionPolicy: { inline } });
    expect(token.length).toBeLessThan(4096);
    expect(openSessionToken(ring, token, NOW).sessionPolicy?.inline).toBe(inline);
  });

  it('opens tokens sealed with an older key of the ring, and not with a ring that lacks it', () => {
    const oldKey = generateSealingKey(NOW - 86_400_000);
    const oldRing = new KeyRing({ sealingKeys: [oldKey] });
    const token = sealSessionToken(oldRing, fullClaims);
    const rotated = new KeyRing({ sealingKeys: [oldKey, generateSealingKey(NOW)] });
    expect(rotated.activeKid).not.toBe(oldKey.kid);
    expect(openSessionToken(rotated, token, NOW)).toEqual(fullClaims);
    expect(() => openSessionToken(ring, token, NOW)).toThrow(InvalidClientTokenId);
  });

  it('refuses a tampered token with InvalidClientTokenId, wherever the change is', () => {
    const token = sealSessionToken(ring, fullClaims);
    const bytes = Buffer.from(token, 'base64');
    for (const index of [0, 1, 5, 20, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[index] = copy[index]! ^ 0x40;
      expect(() => openSessionToken(ring, copy.toString('base64'), NOW)).toThrow(
        new InvalidClientTokenId('The security token included in the request is invalid.'),
      );
    }
    expect(() => openSessionToken(ring, bytes.subarray(0, bytes.length - 1).toString('base64'), NOW)).toThrow(InvalidClientTokenId);
  });

  it('refuses junk: empty, non-base64, oversized, and sealed data that is not session claims', () => {
    for (const junk of ['', 'not base64!', 'A'.repeat(40_000), 'AQoDYXdzEXAMPLE==']) {
      expect(() => openSessionToken(ring, junk, NOW)).toThrow(InvalidClientTokenId);
    }
    expect(() => openSessionToken(ring, ring.seal(SESSION_TOKEN_PURPOSE, Buffer.from('{"k":1}')).toString('base64'), NOW)).toThrow(InvalidClientTokenId);
    expect(() => openSessionToken(ring, ring.seal('console-session', Buffer.from('x')).toString('base64'), NOW)).toThrow(InvalidClientTokenId);
  });

  it('refuses an expired token with ExpiredTokenException from the second of expiry on', () => {
    const token = sealSessionToken(ring, fullClaims);
    expect(openSessionToken(ring, token, fullClaims.expiresAt * 1000 - 1).accessKeyId).toBe(fullClaims.accessKeyId);
    expect(() => openSessionToken(ring, token, fullClaims.expiresAt * 1000)).toThrow(
      new ExpiredToken('The security token included in the request is expired'),
    );
  });
});
