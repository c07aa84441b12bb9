import { describe, expect, it } from 'vitest';
import { createContext, evaluatePolicies, parsePolicy } from '../../../src/policy/index.js';
import type { RequestPrincipal } from '../../../src/policy/index.js';

const ACCOUNT = '444455556666';
const USER_BOB = `arn:aws:iam::${ACCOUNT}:user/Bob`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/reader`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/reader/app`;

const bob: RequestPrincipal = { account: ACCOUNT, arns: [USER_BOB] };
const alice: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:iam::${ACCOUNT}:user/Alice`] };
const session: RequestPrincipal = { account: ACCOUNT, arns: [SESSION, ROLE] };
const otherSession: RequestPrincipal = { account: ACCOUNT, arns: [`arn:aws:sts::${ACCOUNT}:assumed-role/reader/other`, ROLE] };
const stranger: RequestPrincipal = { account: '111122223333', arns: ['arn:aws:iam::111122223333:user/Bob'] };

function applies(principalElement: object, principal: RequestPrincipal | undefined, effect: 'Allow' | 'Deny' = 'Allow'): boolean {
  const policy = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: effect, ...principalElement, Action: 's3:*', Resource: '*' }] }, {
    kind: 'resource',
    name: 'bucket',
  });
  const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: createContext({}) };
  const decision = evaluatePolicies([policy], principal === undefined ? request : { ...request, principal }).decision;
  return decision === (effect === 'Allow' ? 'Allow' : 'ExplicitDeny');
}

describe('Principal', () => {
  it('"*" and {"AWS": "*"} match every caller, but not an anonymous request', () => {
    for (const element of [{ Principal: '*' }, { Principal: { AWS: '*' } }]) {
      expect(applies(element, bob)).toBe(true);
      expect(applies(element, { federated: 'accounts.google.com' })).toBe(true);
      expect(applies(element, undefined)).toBe(false);
    }
  });

  it('an account id or root ARN matches every caller of that account (G17160)', () => {
    for (const entry of [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, `arn:aws-cn:iam::${ACCOUNT}:root`]) {
      expect(applies({ Principal: { AWS: entry } }, bob)).toBe(true);
      expect(applies({ Principal: { AWS: entry } }, session)).toBe(true);
      expect(applies({ Principal: { AWS: entry } }, stranger)).toBe(false);
    }
  });

  it('other ARNs match exactly and case-sensitively; a role ARN matches all of its sessions (G10179)', () => {
    expect(applies({ Principal: { AWS: USER_BOB } }, bob)).toBe(true);
    expect(applies({ Principal: { AWS: USER_BOB.replace('Bob', 'bob') } }, bob)).toBe(false);
    expect(applies({ Principal: { AWS: USER_BOB } }, alice)).toBe(false);
    expect(applies({ Principal: { AWS: ROLE } }, session)).toBe(true);
    expect(applies({ Principal: { AWS: ROLE } }, otherSession)).toBe(true);
    expect(applies({ Principal: { AWS: SESSION } }, otherSession)).toBe(false);
    expect(applies({ Principal: { AWS: [USER_BOB, SESSION] } }, session)).toBe(true);
  });

  it('Federated and Service match their own fields; CanonicalUser never matches', () => {
    const saml = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
    expect(applies({ Principal: { Federated: saml } }, { federated: saml })).toBe(true);
    expect(applies({ Principal: { Federated: saml } }, { federated: 'accounts.google.com' })).toBe(false);
    expect(applies({ Principal: { Federated: 'accounts.google.com' } }, { account: ACCOUNT, arns: ['accounts.google.com'] })).toBe(false);
    expect(applies({ Principal: { Service: ['a.amazonaws.com', 'ec2.amazonaws.com'] } }, { service: 'ec2.amazonaws.com' })).toBe(true);
    expect(applies({ Principal: { Service: 'ec2.amazonaws.com' } }, { service: 'lambda.amazonaws.com' })).toBe(false);
    expect(applies({ Principal: { CanonicalUser: 'abc' } }, { account: 'abc', arns: ['abc'] })).toBe(false);
  });
});

describe('NotPrincipal (hierarchical, G17338–G17398)', () => {
  it('excludes a user only when the user and the account are both listed (TV-R6 and variant)', () => {
    const both = { NotPrincipal: { AWS: [USER_BOB, `arn:aws:iam::${ACCOUNT}:root`] } };
    expect(applies(both, bob, 'Deny')).toBe(false);
    expect(applies(both, alice, 'Deny')).toBe(true);
    expect(applies({ NotPrincipal: { AWS: USER_BOB } }, bob, 'Deny')).toBe(true);
    expect(applies({ NotPrincipal: { AWS: [USER_BOB, ACCOUNT] } }, bob, 'Deny')).toBe(false);
  });

  it('excludes a role session only when session, role and account are listed (TV-R7)', () => {
    const all = { NotPrincipal: { AWS: [SESSION, ROLE, `arn:aws:iam::${ACCOUNT}:root`] } };
    expect(applies(all, session, 'Deny')).toBe(false);
    expect(applies(all, otherSession, 'Deny')).toBe(true);
    expect(applies({ NotPrincipal: { AWS: [SESSION, `arn:aws:iam::${ACCOUNT}:root`] } }, session, 'Deny')).toBe(true);
  });

  it('excludes federated and service callers by their own entry; "*" excludes everyone', () => {
    expect(applies({ NotPrincipal: { Service: 'ec2.amazonaws.com' } }, { service: 'ec2.amazonaws.com' }, 'Deny')).toBe(false);
    expect(applies({ NotPrincipal: { Federated: 'accounts.google.com' } }, { federated: 'www.amazon.com' }, 'Deny')).toBe(true);
    expect(applies({ NotPrincipal: { AWS: '*' } }, bob, 'Deny')).toBe(false);
  });

  it('applies to an anonymous request (nobody is listed), G17316', () => {
    expect(applies({ NotPrincipal: { AWS: USER_BOB } }, undefined, 'Deny')).toBe(true);
  });
});
