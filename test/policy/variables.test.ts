import { describe, expect, it } from 'vitest';
import { createContext, evaluatePolicies, explainPolicies, parsePolicy, policyWarnings } from '../../src/policy/index.js';
import type { ContextValue } from '../../src/policy/index.js';

type Entries = Record<string, ContextValue | undefined>;

/** `version: null` leaves the Version element out. */
function allowed(statement: object, resource: string, context: Entries, version: string | null = '2012-10-17'): boolean {
  const document = version === null ? { Statement: [statement] } : { Version: version, Statement: [statement] };
  const policy = parsePolicy(document, { kind: 'identity', name: 'vars' });
  return evaluatePolicies([policy], { action: 's3:GetObject', resource, context: createContext(context) }).decision === 'Allow';
}

const inHome = (resource: string) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: resource });
const withCondition = (condition: object) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition });

describe('policy variables in Resource', () => {
  it('substitute the context value (G18275)', () => {
    const s = inHome('arn:aws:s3:::b/home/${aws:username}/*');
    expect(allowed(s, 'arn:aws:s3:::b/home/David/x', { 'aws:username': 'David' })).toBe(true);
    expect(allowed(s, 'arn:aws:s3:::b/home/Adele/x', { 'aws:username': 'David' })).toBe(false);
  });

  it('look keys up case-insensitively', () => {
    expect(allowed(inHome('arn:aws:s3:::b/${AWS:UserName}'), 'arn:aws:s3:::b/David', { 'aws:username': 'David' })).toBe(true);
  });

  it('insert values literally: a * or ? from the context is not a wildcard', () => {
    const s = inHome('arn:aws:s3:::b/${aws:username}/x');
    expect(allowed(s, 'arn:aws:s3:::b/*/x', { 'aws:username': '*' })).toBe(true);
    expect(allowed(s, 'arn:aws:s3:::b/David/x', { 'aws:username': '*' })).toBe(false);
    expect(allowed(s, 'arn:aws:s3:::b/D/x', { 'aws:username': '?' })).toBe(false);
  });

  it('escapes ${*}, ${?} and ${$} are literal characters', () => {
    expect(allowed(inHome('arn:aws:s3:::b/${*}'), 'arn:aws:s3:::b/*', {})).toBe(true);
    expect(allowed(inHome('arn:aws:s3:::b/${*}'), 'arn:aws:s3:::b/anything', {})).toBe(false);
    expect(allowed(inHome('arn:aws:s3:::b/a${?}c'), 'arn:aws:s3:::b/a?c', {})).toBe(true);
    expect(allowed(inHome('arn:aws:s3:::b/a${?}c'), 'arn:aws:s3:::b/abc', {})).toBe(false);
    expect(allowed(inHome('arn:aws:s3:::b/${$}{x}'), 'arn:aws:s3:::b/${x}', {})).toBe(true);
  });

  it("${key, 'default'} falls back when the key is absent", () => {
    const s = inHome("arn:aws:s3:::b/${aws:PrincipalTag/team, 'none'}/*");
    expect(allowed(s, 'arn:aws:s3:::b/blue/x', { 'aws:principaltag/team': 'blue' })).toBe(true);
    expect(allowed(s, 'arn:aws:s3:::b/none/x', {})).toBe(true);
    expect(allowed(s, 'arn:aws:s3:::b/blue/x', {})).toBe(false);
  });

  it('an absent key without default, or a multi-valued key, does not resolve: the pattern matches nothing', () => {
    const s = inHome('arn:aws:s3:::b/${aws:username}/*');
    expect(allowed(s, 'arn:aws:s3:::b/${aws:username}/x', {})).toBe(false);
    expect(allowed(s, 'arn:aws:s3:::b/a/x', { 'aws:username': ['a', 'b'] })).toBe(false);
    // Other patterns of the same statement still apply.
    const two = { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/public/*', 'arn:aws:s3:::b/${aws:username}/*'] };
    expect(allowed(two, 'arn:aws:s3:::b/public/x', {})).toBe(true);
  });

  it('in NotResource an unresolved variable makes the statement not apply instead of widening it', () => {
    const s = { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/${aws:username}/*' };
    expect(allowed(s, 'arn:aws:s3:::other/x', { 'aws:username': 'David' })).toBe(true);
    expect(allowed(s, 'arn:aws:s3:::b/David/x', { 'aws:username': 'David' })).toBe(false);
    expect(allowed(s, 'arn:aws:s3:::other/x', {})).toBe(false);
  });

  it('are literal text in 2008-10-17 policies and when Version is absent (G17044, TV-V4)', () => {
    for (const version of ['2008-10-17', null]) {
      const s = inHome('arn:aws:s3:::b/${aws:username}');
      expect(allowed(s, 'arn:aws:s3:::b/David', { 'aws:username': 'David' }, version)).toBe(false);
      expect(allowed(s, 'arn:aws:s3:::b/${aws:username}', { 'aws:username': 'David' }, version)).toBe(true);
      expect(allowed(inHome('arn:aws:s3:::b/${*}'), 'arn:aws:s3:::b/${x}', {}, version)).toBe(true);
    }
  });

  it('keys may contain colons, dots and slashes', () => {
    const s = inHome('arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*');
    expect(allowed(s, 'arn:aws:s3:::b/us-east-1:abcd/f', { 'cognito-identity.amazonaws.com:sub': 'us-east-1:abcd' })).toBe(true);
    const oidc = inHome('arn:aws:s3:::b/${127.0.0.1:8443:sub}');
    expect(allowed(oidc, 'arn:aws:s3:::b/u1', { '127.0.0.1:8443:sub': 'u1' })).toBe(true);
  });

  it('may appear in several segments; a value never spans a segment boundary', () => {
    const s = inHome('arn:aws:s3:::${aws:username}-bucket/${aws:username}/*');
    expect(allowed(s, 'arn:aws:s3:::bob-bucket/bob/x', { 'aws:username': 'bob' })).toBe(true);
    const account = inHome('arn:aws:iam::${aws:PrincipalAccount}:user/x');
    expect(allowed(account, 'arn:aws:iam::123456789012:user/x', { 'aws:principalaccount': '123456789012' })).toBe(true);
    expect(allowed(account, 'arn:aws:iam::1:2:user/x', { 'aws:principalaccount': '1:2' })).toBe(false);
  });
});

describe('policy variables in conditions', () => {
  it('work in String* values, as literal text in StringLike (G18328)', () => {
    const like = withCondition({ StringLike: { 's3:prefix': ['home/${aws:username}/*'] } });
    expect(allowed(like, '*', { 's3:prefix': 'home/David/a', 'aws:username': 'David' })).toBe(true);
    expect(allowed(like, '*', { 's3:prefix': 'home/Adele/a', 'aws:username': 'David' })).toBe(false);
    expect(allowed(like, '*', { 's3:prefix': 'home/Xavier/a', 'aws:username': 'X*' })).toBe(false);
    expect(allowed(like, '*', { 's3:prefix': 'home/X*/a', 'aws:username': 'X*' })).toBe(true);
    const ignoreCase = withCondition({ StringEqualsIgnoreCase: { 'ec2:ResourceTag/Owner': '${aws:username}' } });
    expect(allowed(ignoreCase, '*', { 'ec2:resourcetag/owner': 'BOB', 'aws:username': 'bob' })).toBe(true);
  });

  it('work in Arn* values', () => {
    const c = withCondition({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:${aws:username}-*' } });
    expect(allowed(c, '*', { 'aws:sourcearn': 'arn:aws:sns:us-east-1:1:bob-topic', 'aws:username': 'bob' })).toBe(true);
    expect(allowed(c, '*', { 'aws:sourcearn': 'arn:aws:sns:us-east-1:1:alice-topic', 'aws:username': 'bob' })).toBe(false);
  });

  it('an unresolved variable makes the statement not apply, whatever the operator (TV-V10 decision)', () => {
    const deny = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'datapipeline:PipelineCreator': '${aws:userid}' } } },
        ],
      },
      { kind: 'identity', name: 'owner-only' },
    );
    const decide = (context: Entries) =>
      evaluatePolicies([deny], { action: 'datapipeline:DeletePipeline', resource: '*', context: createContext(context) }).decision;
    expect(decide({ 'datapipeline:PipelineCreator': 'AIDAEXAMPLE1', 'aws:userid': 'AIDAEXAMPLE1' })).toBe('Allow');
    expect(decide({ 'datapipeline:PipelineCreator': 'AIDAOTHER', 'aws:userid': 'AIDAEXAMPLE1' })).toBe('ExplicitDeny');
    expect(decide({ 'datapipeline:PipelineCreator': 'AIDAOTHER' })).toBe('Allow');
    const explained = explainPolicies([deny], {
      action: 'datapipeline:DeletePipeline',
      resource: '*',
      context: createContext({ 'datapipeline:PipelineCreator': 'AIDAOTHER' }),
    });
    expect(explained[0]!.statements[1]!.outcome).toEqual({ applies: false, reason: 'variable', variable: 'aws:userid' });
  });

  it('an unresolved variable makes the statement not apply even when the condition key is absent too', () => {
    // Negated, IfExists and ForAllValues operators are true on an absent key — but the statement still
    // depends on a variable that has no value, so it must not apply.
    for (const condition of [
      { StringNotEquals: { 's3:prefix': 'home/${aws:username}' } },
      { StringEqualsIfExists: { 's3:prefix': 'home/${aws:username}' } },
      { 'ForAllValues:StringEquals': { 's3:prefix': '${aws:username}' } },
    ]) {
      const c = withCondition(condition);
      expect(allowed(c, '*', {}), JSON.stringify(condition)).toBe(false);
      expect(allowed(c, '*', { 'aws:username': 'bob' }), JSON.stringify(condition)).toBe(true);
    }
  });

  it('are not substituted in Numeric, Date, Bool or IP values (IAM accepts the text; the condition never matches)', () => {
    const p = parsePolicy({ Version: '2012-10-17', Statement: [withCondition({ NumericLessThan: { a: '${b}' } })] }, { kind: 'identity', name: 'x' });
    expect(policyWarnings(p)[0]?.message).toMatch(/"\$\{b\}" is not a number/);
  });
});

describe('aws:userid / aws:username by principal type (seed-digest §6.6, spec decisions §10 #8, #9)', () => {
  // The context the broker builds for each kind of caller (semantics.md: AssumedRole → role-id:session-name,
  // SAML and web-identity sessions included; aws:username only for IAM users).
  const callers: Record<string, { context: Entries; userid?: string; username?: string }> = {
    'AWS account (root)': { context: { 'aws:userid': '123456789012', 'aws:principaltype': 'Account' }, userid: '123456789012' },
    'IAM user': { context: { 'aws:userid': 'AIDAJQABLZS4A3QDU576Q', 'aws:username': 'Bob', 'aws:principaltype': 'User' }, userid: 'AIDAJQABLZS4A3QDU576Q', username: 'Bob' },
    'Federated user (GetFederationToken)': {
      context: { 'aws:userid': '123456789012:Jean', 'aws:principaltype': 'FederatedUser' },
      userid: '123456789012:Jean',
    },
    'Assumed role': { context: { 'aws:userid': 'AROAEXAMPLE:MyRole', 'aws:principaltype': 'AssumedRole' }, userid: 'AROAEXAMPLE:MyRole' },
    'SAML federated user': { context: { 'aws:userid': 'AROAEXAMPLE:alice@corp', 'aws:principaltype': 'AssumedRole' }, userid: 'AROAEXAMPLE:alice@corp' },
    'Web federated user': { context: { 'aws:userid': 'AROAEXAMPLE:app-user-1', 'aws:principaltype': 'AssumedRole' }, userid: 'AROAEXAMPLE:app-user-1' },
    'Anonymous caller': { context: {} },
  };
  const byUserId = inHome('arn:aws:s3:::b/${aws:userid}/*');
  const byUserName = inHome('arn:aws:s3:::b/${aws:username}/*');

  for (const [type, caller] of Object.entries(callers)) {
    it(`${type}: \${aws:userid} → ${caller.userid ?? '(not present)'}, \${aws:username} → ${caller.username ?? '(not present)'}`, () => {
      if (caller.userid === undefined) {
        expect(allowed(byUserId, 'arn:aws:s3:::b/${aws:userid}/x', caller.context)).toBe(false);
      } else {
        expect(allowed(byUserId, `arn:aws:s3:::b/${caller.userid}/x`, caller.context)).toBe(true);
        expect(allowed(byUserId, 'arn:aws:s3:::b/someone-else/x', caller.context)).toBe(false);
      }
      if (caller.username === undefined) {
        expect(allowed(byUserName, 'arn:aws:s3:::b/${aws:username}/x', caller.context)).toBe(false);
        expect(allowed(byUserName, 'arn:aws:s3:::b//x', caller.context)).toBe(false);
      } else {
        expect(allowed(byUserName, `arn:aws:s3:::b/${caller.username}/x`, caller.context)).toBe(true);
      }
    });
  }

  it('the S3 Session Manager pattern works for a SAML session through ${aws:userid} (TV-X6 decision)', () => {
    const s = withCondition({ StringLike: { 'ssm:resourceTag/aws:ssmmessages:session-id': ['${aws:userid}'] } });
    const context = { ...callers['SAML federated user']!.context, 'ssm:resourcetag/aws:ssmmessages:session-id': 'AROAEXAMPLE:alice@corp' };
    expect(allowed(s, '*', context)).toBe(true);
    expect(allowed(s, '*', { ...context, 'ssm:resourcetag/aws:ssmmessages:session-id': 'AROAEXAMPLE:bob@corp' })).toBe(false);
  });
});
