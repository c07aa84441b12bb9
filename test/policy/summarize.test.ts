import { describe, expect, it } from 'vitest';
import { parsePolicy, summarizeStatements } from '../../src/policy/index.js';

describe('summarizeStatements', () => {
  it('describes each statement as written, with lower-cased condition keys', () => {
    const trust = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Web',
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/accounts.example.com' },
            Action: ['sts:AssumeRoleWithWebIdentity'],
            Condition: {
              StringEquals: { 'accounts.example.com:AUD': 'client-1', 'accounts.example.com:sub': ['u1', 'u2'] },
              'ForAnyValue:StringLike': { 'accounts.example.com:aud': 'client-*' },
            },
          },
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
        ],
      },
      { kind: 'trust', name: 'trust:web' },
    );
    expect(summarizeStatements(trust)).toEqual([
      {
        index: 0,
        sid: 'Web',
        effect: 'Allow',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principal: { Federated: ['arn:aws:iam::123456789012:oidc-provider/accounts.example.com'] },
        notPrincipal: false,
        conditionKeys: ['accounts.example.com:aud', 'accounts.example.com:sub'],
        conditions: [
          { operator: 'StringEquals', key: 'accounts.example.com:aud', values: ['client-1'] },
          { operator: 'StringEquals', key: 'accounts.example.com:sub', values: ['u1', 'u2'] },
          { operator: 'ForAnyValue:StringLike', key: 'accounts.example.com:aud', values: ['client-*'] },
        ],
      },
      { index: 1, effect: 'Allow', actions: ['sts:AssumeRole'], principal: '*', notPrincipal: false, conditionKeys: [], conditions: [] },
    ]);
  });

  it('shows NotAction, NotResource and NotPrincipal', () => {
    const p = parsePolicy(
      { Version: '2012-10-17', Statement: { Effect: 'Deny', NotPrincipal: { AWS: ['111122223333'] }, NotAction: 's3:*', NotResource: 'arn:aws:s3:::b', Condition: { Bool: { 'aws:SecureTransport': false } } } },
      { kind: 'resource', name: 'bucket' },
    );
    expect(summarizeStatements(p)).toEqual([
      {
        index: 0,
        effect: 'Deny',
        notActions: ['s3:*'],
        notResources: ['arn:aws:s3:::b'],
        principal: { AWS: ['111122223333'] },
        notPrincipal: true,
        conditionKeys: ['aws:securetransport'],
        conditions: [{ operator: 'Bool', key: 'aws:securetransport', values: ['false'] }],
      },
    ]);
  });
});
