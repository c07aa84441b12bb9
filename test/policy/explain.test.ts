import { describe, expect, it } from 'vitest';
import { createContext, explain, explainPolicies, parsePolicy } from '../../src/policy/index.js';
import type { AuthzRequest, RequestPrincipal } from '../../src/policy/index.js';

const saml = 'arn:aws:iam::123456789012:saml-provider/Corp';
const trust = parsePolicy(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Console', Effect: 'Allow', Principal: { Federated: saml }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' }, 'ForAllValues:StringLike': { 'saml:edupersonaffiliation': ['staff'] } } },
      { Sid: 'Web', Effect: 'Allow', Principal: { Federated: 'accounts.google.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
      { Sid: 'Home', Effect: 'Allow', Principal: { Federated: saml }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:sub': '${saml:namequalifier}' } } },
    ],
  },
  { kind: 'trust', name: 'trust:console' },
);
const samlCaller: RequestPrincipal = { federated: saml };

function request(context: Record<string, string | string[]>): AuthzRequest {
  return { action: 'sts:AssumeRoleWithSAML', resource: '*', principal: samlCaller, context: createContext(context) };
}

describe('explainPolicies', () => {
  it('gives every statement with whether it applies and the first reason when not', () => {
    const result = explainPolicies(
      [trust],
      request({ 'saml:aud': 'https://signin.aws.amazon.com/saml', 'saml:edupersonaffiliation': ['staff', 'student'], 'saml:sub': 'u1' }),
    );
    expect(result).toEqual([
      {
        policy: 'trust:console',
        kind: 'trust',
        statements: [
          {
            ref: { policy: 'trust:console', index: 0, sid: 'Console', effect: 'Allow' },
            outcome: {
              applies: false,
              reason: 'condition',
              operator: 'ForAllValues:StringLike',
              key: 'saml:edupersonaffiliation',
              expected: ['staff'],
              actual: ['staff', 'student'],
            },
          },
          { ref: { policy: 'trust:console', index: 1, sid: 'Web', effect: 'Allow' }, outcome: { applies: false, reason: 'action' } },
          { ref: { policy: 'trust:console', index: 2, sid: 'Home', effect: 'Allow' }, outcome: { applies: false, reason: 'variable', variable: 'saml:namequalifier' } },
        ],
      },
    ]);
  });

  it('names the key as written and reports an absent key as actual undefined', () => {
    const [policy] = explainPolicies([trust], request({}));
    expect(policy!.statements[0]!.outcome).toEqual({
      applies: false,
      reason: 'condition',
      operator: 'StringEquals',
      key: 'SAML:aud',
      expected: ['https://signin.aws.amazon.com/saml'],
      actual: undefined,
    });
  });

  it('an absent key is reported before an unresolved variable, with the values as written', () => {
    const [policy] = explainPolicies([trust], request({}));
    expect(policy!.statements[2]!.outcome).toEqual({
      applies: false,
      reason: 'condition',
      operator: 'StringEquals',
      key: 'saml:sub',
      expected: ['${saml:namequalifier}'],
      actual: undefined,
    });
  });

  it('shows condition values after variable substitution', () => {
    const [policy] = explainPolicies([trust], request({ 'saml:sub': 'u1', 'saml:namequalifier': 'NQ=' }));
    expect(policy!.statements[2]!.outcome).toMatchObject({ reason: 'condition', expected: ['NQ='], actual: 'u1' });
    const [ok] = explainPolicies([trust], request({ 'saml:sub': 'NQ=', 'saml:namequalifier': 'NQ=' }));
    expect(ok!.statements[2]!.outcome).toEqual({ applies: true });
  });

  it('reports principal and resource mismatches', () => {
    const google: AuthzRequest = { action: 'sts:AssumeRoleWithWebIdentity', resource: '*', principal: { federated: 'www.amazon.com' }, context: createContext({}) };
    expect(explainPolicies([trust], google)[0]!.statements[1]!.outcome).toEqual({ applies: false, reason: 'principal' });
    const identity = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::a/*' } }, { kind: 'identity', name: 'id' });
    const other: AuthzRequest = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: createContext({}) };
    expect(explainPolicies([identity], other)[0]!.statements[0]!.outcome).toEqual({ applies: false, reason: 'resource' });
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    const result = explainPolicies([trust], request({ 'saml:aud': 'x', 'saml:edupersonaffiliation': ['staff'] }));
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(JSON.stringify(result, (_k, v: unknown) => v)));
    expect(JSON.parse(JSON.stringify(result))[0].statements[0].outcome.expected).toEqual(['https://signin.aws.amazon.com/saml']);
  });
});

describe('explain (layers)', () => {
  it('lists identity, session, boundary and resource policies in that order', () => {
    const make = (kind: 'identity' | 'session' | 'boundary', name: string) =>
      parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }, { kind, name });
    const resource = parsePolicy({ Version: '2012-10-17', Statement: { Effect: 'Deny', Principal: '*', Action: 's3:Delete*', Resource: '*' } }, { kind: 'resource', name: 'bucket' });
    const result = explain(
      { identity: [make('identity', 'a'), make('identity', 'b')], session: [make('session', 'session')], boundary: make('boundary', 'boundary'), resource },
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', principal: { account: '1' }, context: createContext({}) },
    );
    expect(result.map((p) => [p.policy, p.kind])).toEqual([
      ['a', 'identity'],
      ['b', 'identity'],
      ['session', 'session'],
      ['boundary', 'boundary'],
      ['bucket', 'resource'],
    ]);
    expect(result[4]!.statements[0]!.outcome).toEqual({ applies: true });
  });
});
