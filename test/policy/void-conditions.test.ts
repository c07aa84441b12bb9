/**
 * Conditions IAM accepts but that can never be true ("void"; docs/decisions.md "Policy grammar"): an
 * operator without keys, an unknown operator without keys, a key without values, a value not of its
 * operator's type, Null with IfExists or a set qualifier. "Never matches" means, precisely: the
 * condition is false for every request — key present or absent, whatever the value — with no
 * exception for negated operators (StringNotEquals, NotIpAddress…), `…IfExists` or ForAllValues:,
 * which on an ordinary condition can be true for an absent key. So the statement never applies: an
 * Allow grants nothing, a Deny denies nothing (and check-config / simulate warn about it).
 */
import { describe, expect, it } from 'vitest';
import { createContext, evaluatePolicies, explainPolicies, parsePolicy, type ContextValue } from '../../src/policy/index.js';

const ALLOW_ALL = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, { kind: 'identity', name: 'allow-all' });

const statement = (effect: 'Allow' | 'Deny', condition: object) =>
  parsePolicy({ Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: effect, Action: 's3:GetObject', Resource: '*', Condition: condition }] }, { kind: 'session', name: 'session' });

const decide = (policies: Parameters<typeof evaluatePolicies>[0], context: Record<string, ContextValue>) =>
  evaluatePolicies(policies, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: createContext(context) }).decision;

/** Void conditions, each with the ordinary condition it resembles (which does match somewhere). */
const VOIDS: Array<{ name: string; condition: object; ordinary: object }> = [
  { name: 'a negated operator without values', condition: { StringNotEquals: { 'aws:username': [] } }, ordinary: { StringNotEquals: { 'aws:username': ['x'] } } },
  { name: 'ForAllValues without values', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [] } }, ordinary: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } } },
  { name: 'ForAnyValue without values', condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': [] } }, ordinary: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['*'] } } },
  { name: 'IfExists without values', condition: { StringEqualsIfExists: { 'aws:username': [] } }, ordinary: { StringEqualsIfExists: { 'aws:username': ['bob'] } } },
  { name: 'NotIpAddress with a value that is no address', condition: { NotIpAddress: { 'aws:SourceIp': 'office' } }, ordinary: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
  { name: 'a numeric IfExists with a word', condition: { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': 'an hour' } }, ordinary: { NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } } },
  { name: 'BoolIfExists with "no"', condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'no' } }, ordinary: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } },
  { name: 'a date that is not one', condition: { DateNotEquals: { 'aws:CurrentTime': '2017-02-30T00:00:00Z' } }, ordinary: { DateNotEquals: { 'aws:CurrentTime': '2017-02-28T00:00:00Z' } } },
  { name: 'BinaryEquals with text that is not base 64', condition: { BinaryEquals: { 'x:bytes': 'not base64!' } }, ordinary: { BinaryEquals: { 'x:bytes': 'AQI=' } } },
  { name: 'an operator without keys', condition: { DateGreaterThan: {} }, ordinary: { DateGreaterThan: { 'aws:CurrentTime': '2000-01-01T00:00:00Z' } } },
  { name: 'an unknown operator without keys', condition: { StringEqualz: {} }, ordinary: { StringEquals: { 'aws:username': 'bob' } } },
  { name: 'NullIfExists', condition: { NullIfExists: { 'aws:username': 'true' } }, ordinary: { Null: { 'aws:username': 'true' } } },
  { name: 'ForAnyValue:Null', condition: { 'ForAnyValue:Null': { 'aws:username': 'false' } }, ordinary: { Null: { 'aws:username': 'false' } } },
];

/** Requests with the keys absent, present, matching and not. */
const CONTEXTS: Array<Record<string, ContextValue>> = [
  {},
  { 'aws:username': 'bob', 'aws:sourceip': '10.1.2.3', 'aws:multifactorauthage': '10', 'aws:multifactorauthpresent': 'false', 'aws:currenttime': '2017-02-28T00:00:00Z', 'x:bytes': 'AQI=', 'aws:tagkeys': ['team'] },
  { 'aws:username': 'alice', 'aws:sourceip': '192.0.2.1', 'aws:multifactorauthage': '9999', 'aws:multifactorauthpresent': 'true', 'aws:currenttime': '2030-01-01T00:00:00Z', 'x:bytes': 'AAA=', 'aws:tagkeys': ['team', 'cost'] },
  { 'aws:tagkeys': [] },
];

describe('void conditions never match', () => {
  it.each(VOIDS.map((v) => [v.name, v] as const))('%s: an Allow grants nothing, a Deny denies nothing, for every request', (_name, v) => {
    const allow = statement('Allow', v.condition);
    const deny = statement('Deny', v.condition);
    for (const context of CONTEXTS) {
      expect(decide([allow], context), JSON.stringify(context)).toBe('ImplicitDeny');
      expect(decide([deny, ALLOW_ALL], context), JSON.stringify(context)).toBe('Allow');
    }
    // The ordinary condition it resembles does apply to one of these requests: the void one is not
    // merely false for them by accident.
    const ordinary = statement('Deny', v.ordinary);
    expect(CONTEXTS.some((context) => decide([ordinary, ALLOW_ALL], context) === 'ExplicitDeny')).toBe(true);
  });

  it('a void condition voids its statement even beside conditions that match', () => {
    const p = statement('Allow', { StringEquals: { 'aws:username': 'bob' }, IpAddress: { 'aws:SourceIp': 'office' } });
    expect(decide([p], { 'aws:username': 'bob', 'aws:sourceip': '10.0.0.1' })).toBe('ImplicitDeny');
    // …and only its statement: the policy's other statements still count.
    const two = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:username': [] } } },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        ],
      },
      { kind: 'identity', name: 'two' },
    );
    expect(decide([two], {})).toBe('Allow');
  });

  it('the explanation says which condition can never match, without its value', () => {
    const p = statement('Deny', { NumericLessThan: { 'aws:MultiFactorAuthAge': 'an hour' } });
    const [explained] = explainPolicies([p], { action: 's3:GetObject', resource: '*', context: createContext({}) });
    expect(explained!.statements[0]!.outcome).toEqual({ applies: false, reason: 'void', operator: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', problem: 'not-a-number' });
    const [noKeys] = explainPolicies([statement('Allow', { DateGreaterThan: {} })], { action: 's3:GetObject', resource: '*', context: createContext({}) });
    expect(noKeys!.statements[0]!.outcome).toEqual({ applies: false, reason: 'void', operator: 'DateGreaterThan', problem: 'no-keys' });
  });
});
