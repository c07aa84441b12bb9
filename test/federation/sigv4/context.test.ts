import { describe, expect, it } from 'vitest';
import { callerConditionContext, callerPrincipal, principalArnOf } from '../../../src/federation/sigv4/context.js';
import { sessionCaller } from '../../../src/federation/sigv4/callers.js';
import type { Caller } from '../../../src/federation/identity.js';
import { ACCOUNT, roleSessionClaims, USER_KEY } from './helpers.js';

const NOW = Date.UTC(2026, 10, 22, 10, 30, 0);
const ISSUED = Math.floor(NOW / 1000) - 600;

const longTermUser: Caller = {
  kind: 'User',
  account: ACCOUNT,
  partition: 'aws',
  arn: `arn:aws:iam::${ACCOUNT}:user/portal`,
  userId: USER_KEY.userId,
  userName: 'portal',
  accessKeyId: USER_KEY.accessKeyId,
};

describe('callerConditionContext', () => {
  it('gives an IAM user with long-term keys no temporary-credential keys (MFA keys absent, not false)', () => {
    expect(callerConditionContext(longTermUser, NOW)).toEqual({
      'aws:principaltype': 'User',
      'aws:userid': USER_KEY.userId,
      'aws:username': 'portal',
      'aws:principalarn': `arn:aws:iam::${ACCOUNT}:user/portal`,
      'aws:principalaccount': ACCOUNT,
    });
  });

  it('gives a role session the role ARN as aws:principalarn, no aws:username, and its carried context', () => {
    const caller = sessionCaller(roleSessionClaims({ issuedAt: ISSUED, expiresAt: ISSUED + 3600, sourceIdentity: 'alice' }, NOW));
    expect(callerConditionContext(caller, NOW)).toEqual({
      'saml:sub': 'alice',
      'aws:federatedprovider': `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleCorp`,
      'aws:principaltype': 'AssumedRole',
      'aws:userid': 'AROA3XFRBF23VHKWA7BFQ:alice@example.com',
      'aws:principalarn': `arn:aws:iam::${ACCOUNT}:role/team/Developer`,
      'aws:principalaccount': ACCOUNT,
      'aws:tokenissuetime': '2026-11-22T10:20:00Z',
      'aws:multifactorauthpresent': 'false',
      'aws:sourceidentity': 'alice',
    });
  });

  it('gives MFA sessions aws:multifactorauthage in seconds since the code was checked', () => {
    const caller = sessionCaller(roleSessionClaims({ issuedAt: ISSUED, mfa: { authenticatedAt: ISSUED - 100 } }, NOW));
    const context = callerConditionContext(caller, NOW);
    expect(context['aws:multifactorauthpresent']).toBe('true');
    expect(context['aws:multifactorauthage']).toBe('700');
  });

  it('keeps aws:username for GetSessionToken sessions and omits it for federated users', () => {
    const gst = sessionCaller(
      roleSessionClaims({ issuer: 'GetSessionToken', principal: { kind: 'User', userName: 'portal', userId: USER_KEY.userId }, context: undefined }),
    );
    expect(callerConditionContext(gst, NOW)).toMatchObject({ 'aws:username': 'portal', 'aws:principaltype': 'User' });
    const fed = sessionCaller(
      roleSessionClaims({
        issuer: 'GetFederationToken',
        principal: { kind: 'FederatedUser', name: 'Bob', userName: 'portal', userId: USER_KEY.userId },
        context: { 'aws:username': 'forged' },
      }),
    );
    const context = callerConditionContext(fed, NOW);
    expect(context['aws:username']).toBeUndefined();
    expect(context).toMatchObject({
      'aws:principaltype': 'FederatedUser',
      'aws:userid': `${ACCOUNT}:Bob`,
      'aws:principalarn': `arn:aws:sts::${ACCOUNT}:federated-user/Bob`,
    });
  });

  it('never lets carried context override the identity keys, and lower-cases carried keys', () => {
    const caller = sessionCaller(roleSessionClaims({ context: { 'AWS:PrincipalType': 'User', 'aws:userid': 'x', 'SAML:Sub': 'alice' } }));
    const context = callerConditionContext(caller, NOW);
    expect(context['aws:principaltype']).toBe('AssumedRole');
    expect(context['aws:userid']).toBe('AROA3XFRBF23VHKWA7BFQ:alice@example.com');
    expect(context['saml:sub']).toBe('alice');
  });
});

describe('callerPrincipal', () => {
  it('lists session ARN then role ARN for a role session', () => {
    const caller = sessionCaller(roleSessionClaims());
    expect(callerPrincipal(caller)).toEqual({
      account: ACCOUNT,
      arns: [`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice@example.com`, `arn:aws:iam::${ACCOUNT}:role/team/Developer`],
    });
    expect(principalArnOf(caller)).toBe(`arn:aws:iam::${ACCOUNT}:role/team/Developer`);
  });

  it('lists federated-user ARN then the calling user ARN for a federated user', () => {
    const caller = sessionCaller(
      roleSessionClaims({ issuer: 'GetFederationToken', principal: { kind: 'FederatedUser', name: 'Bob', userName: 'portal', userId: USER_KEY.userId } }),
    );
    expect(callerPrincipal(caller).arns).toEqual([`arn:aws:sts::${ACCOUNT}:federated-user/Bob`, `arn:aws:iam::${ACCOUNT}:user/portal`]);
  });

  it('lists the user ARN for an IAM user', () => {
    expect(callerPrincipal(longTermUser)).toEqual({ account: ACCOUNT, arns: [`arn:aws:iam::${ACCOUNT}:user/portal`] });
  });
});
