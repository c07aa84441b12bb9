import { describe, expect, it } from 'vitest';
import { MalformedPolicyDocument } from '../../src/errors.js';
import { parsePolicy, policyWarnings, PolicySyntaxError, type PolicyKind } from '../../src/policy/index.js';

const ALLOW_ALL = { Effect: 'Allow', Action: '*', Resource: '*' };

function reject(document: string | object, kind: PolicyKind = 'identity', maxSize?: number): PolicySyntaxError {
  try {
    parsePolicy(document, maxSize === undefined ? { kind, name: 'test' } : { kind, name: 'test', maxSize });
  } catch (e) {
    if (e instanceof PolicySyntaxError) return e;
    throw e;
  }
  throw new Error('policy was accepted');
}

function doc(statement: object, extra: object = {}): object {
  return { Version: '2012-10-17', Statement: [statement], ...extra };
}

describe('parsePolicy: the document', () => {
  it('returns the public fields: name, kind, version, source, size without white space, statement count, id', () => {
    const text = '{ "Version": "2012-10-17", "Id": "abc",\n  "Statement": [ {"Effect": "Allow", "Action": "s3:*", "Resource": "*"} ] }';
    const p = parsePolicy(text, { kind: 'identity', name: 'managed:S3' });
    expect(p).toMatchObject({ name: 'managed:S3', kind: 'identity', version: '2012-10-17', source: text, statementCount: 1, id: 'abc' });
    expect(p.size).toBe(text.replace(/[ \n]/g, '').length);
  });

  it('accepts a statement object as well as an array, and elements in any order (§10 #6)', () => {
    const p = parsePolicy('{"Statement": {"Resource": "*", "Action": "s3:*", "Effect": "Allow"}, "Version": "2012-10-17"}', {
      kind: 'identity',
      name: 'x',
    });
    expect(p.statementCount).toBe(1);
  });

  it('defaults Version to 2008-10-17 (G17040)', () => {
    expect(parsePolicy({ Statement: [ALLOW_ALL] }, { kind: 'identity', name: 'x' }).version).toBe('2008-10-17');
  });

  it('takes an object (YAML config) through JSON, so source is its JSON text', () => {
    const p = parsePolicy(doc(ALLOW_ALL), { kind: 'session', name: 's' });
    expect(JSON.parse(p.source)).toEqual(doc(ALLOW_ALL));
  });

  it('is a MalformedPolicyDocument with code, status, path and problem', () => {
    const e = reject('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}');
    expect(e).toBeInstanceOf(MalformedPolicyDocument);
    expect(e.code).toBe('MalformedPolicyDocument');
    expect(e.httpStatus).toBe(400);
    expect(e.name).toBe('PolicySyntaxError');
    expect(e.path).toBe('Statement[0]');
    expect(e.problem).toBe('grammar');
    expect(e.policy).toBe('test');
    expect(e.message).toBe('Policy statement must contain resources. (at Statement[0])');
  });

  it('rejects invalid JSON with "Syntax errors in policy" and a location', () => {
    const e = reject('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"]}');
    expect(e.problem).toBe('json');
    expect(e.awsMessage).toBe('Syntax errors in policy.');
    expect(e.message).toMatch(/^Syntax errors in policy\. Unexpected "\]" \(expected "," or "}"\) at line 1, column \d+\. \(at Statement\[0\]\)$/);
  });

  it('rejects duplicate keys at the top, in statements and in conditions (G18770)', () => {
    expect(reject('{"Statement": [], "Statement": []}').path).toBe('Statement');
    expect(reject('{"Statement": [{"Effect": "Allow", "Action": "a:b", "Action": "a:c", "Resource": "*"}]}').path).toBe('Statement[0].Action');
    expect(
      reject('{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true", "aws:SecureTransport": "false"}}}]}')
        .path,
    ).toBe('Statement[0].Condition.Bool["aws:SecureTransport"]');
  });

  it('rejects anything but one JSON object', () => {
    expect(reject('[]').message).toBe('Syntax errors in policy. A policy must be a JSON object.');
    expect(reject('"policy"').problem).toBe('grammar');
    expect(reject('{"Statement": [' + JSON.stringify(ALLOW_ALL) + ']} {}').problem).toBe('json');
  });

  it('rejects objects that are not JSON', () => {
    const circular: Record<string, unknown> = { Statement: [] };
    circular['self'] = circular;
    expect(reject(circular).message).toBe('Syntax errors in policy. The policy object cannot be represented as JSON.');
    expect(reject({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Extra: BigInt(1) }] }).problem).toBe('json');
  });

  it('rejects unknown top-level fields, a missing or empty Statement, a bad Version or Id', () => {
    expect(reject({ Version: '2012-10-17', Statement: [ALLOW_ALL], Conditions: {} }).message).toBe(
      'Syntax errors in policy. Unknown field Conditions: a policy has Version, Id and Statement. (at Conditions)',
    );
    expect(reject({ Version: '2012-10-17' }).message).toBe('Syntax errors in policy. Missing required field Statement.');
    expect(reject({ Version: '2012-10-17', Statement: [] }).message).toBe('Syntax errors in policy. The policy must contain at least one statement. (at Statement)');
    expect(reject({ Version: '2012-10-17', Statement: 'Allow' }).path).toBe('Statement');
    expect(reject({ Version: '2013-01-01', Statement: [ALLOW_ALL] }).message).toBe(
      'Syntax errors in policy. Version must be "2012-10-17" or "2008-10-17", not "2013-01-01". (at Version)',
    );
    expect(reject({ Version: 2012, Statement: [ALLOW_ALL] }).path).toBe('Version');
    expect(reject({ Id: 7, Statement: [ALLOW_ALL] }).message).toBe('Syntax errors in policy. Id must be a string. (at Id)');
  });

  it('enforces maxSize on characters other than white space (G18769)', () => {
    const statement = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${'b'.repeat(60)}/*"}`;
    const text = `{"Version":"2012-10-17","Statement":[${statement}]}`;
    const padded = text.replace(/,/g, ',   \n\t');
    expect(parsePolicy(padded, { kind: 'session', name: 's', maxSize: text.length }).size).toBe(text.length);
    const e = reject(padded, 'session', text.length - 1);
    expect(e.problem).toBe('size');
    expect(e.message).toBe(`The policy has ${text.length} characters (white space excluded); the limit is ${text.length - 1}.`);
  });

  it('allows only tab, LF, CR and U+0020–U+00FF, also when escaped (G16679)', () => {
    expect(parsePolicy(doc({ ...ALLOW_ALL, Sid: 'Caf' }), { kind: 'identity', name: 'x' })).toBeDefined();
    const latin1 = doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/é' });
    expect(parsePolicy(latin1, { kind: 'identity', name: 'x' })).toBeDefined();
    const text = '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/\u0100"}]}';
    const raw = reject(text);
    expect(raw.problem).toBe('characters');
    expect(raw.message).toBe(
      `The policy contains the character U+0100 at line 1, column ${text.indexOf('\u0100') + 1}; only tab, line feed, carriage return and U+0020 to U+00FF are allowed.`,
    );
    const escaped = reject('{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/\\u0001"}]}');
    expect(escaped.problem).toBe('characters');
    expect(escaped.path).toBe('Statement[0].Resource');
    expect(reject(doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/😀' })).problem).toBe('characters');
  });
});

describe('parsePolicy: statements', () => {
  it('rejects unknown statement fields', () => {
    expect(reject(doc({ ...ALLOW_ALL, Principals: '*' })).message).toBe('Syntax errors in policy. Unknown field Principals. (at Statement[0].Principals)');
  });

  it('checks Sid: alphanumeric (empty allowed), unique (G18823, G17114)', () => {
    expect(parsePolicy(doc({ ...ALLOW_ALL, Sid: '' }), { kind: 'identity', name: 'x' })).toBeDefined();
    expect(reject(doc({ ...ALLOW_ALL, Sid: 'has space' })).message).toBe(
      'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]* (at Statement[0].Sid)',
    );
    expect(reject(doc({ ...ALLOW_ALL, Sid: 1 })).path).toBe('Statement[0].Sid');
    const twice = reject({ Statement: [{ ...ALLOW_ALL, Sid: 'A' }, { ...ALLOW_ALL, Sid: 'A' }] });
    expect(twice.message).toBe('Statement IDs (SID) in a single policy must be unique. (at Statement[1].Sid)');
  });

  it('checks Effect', () => {
    expect(reject(doc({ Action: '*', Resource: '*' })).message).toBe('Syntax errors in policy. Missing required field Effect. (at Statement[0])');
    expect(reject(doc({ ...ALLOW_ALL, Effect: 'Permit' })).message).toBe('Syntax errors in policy. Effect must be "Allow" or "Deny", not "Permit". (at Statement[0].Effect)');
    // Right word, wrong case: IAM's "legacy parsing" refuses it.
    const lower = reject(doc({ ...ALLOW_ALL, Effect: 'allow' }));
    expect(lower.path).toBe('Statement[0].Effect');
    expect(lower.awsMessage).toBe('The policy failed legacy parsing');
  });

  it('needs exactly one of Action / NotAction, with non-empty strings', () => {
    expect(reject(doc({ Effect: 'Allow', Resource: '*' })).message).toBe('Policy statement must contain actions. (at Statement[0])');
    expect(reject(doc({ Effect: 'Allow', Action: [], Resource: '*' })).message).toBe('Policy statement must contain actions. (at Statement[0])');
    expect(reject(doc({ Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*', Resource: '*' })).message).toBe(
      'Syntax errors in policy. A statement cannot have both Action and NotAction. (at Statement[0])',
    );
    expect(reject(doc({ Effect: 'Allow', Action: ['s3:*', ''], Resource: '*' })).message).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (at Statement[0].Action[1])',
    );
    expect(reject(doc({ Effect: 'Allow', NotAction: [1], Resource: '*' })).message).toBe(
      'Syntax errors in policy. NotAction must be a string or an array of strings. (at Statement[0].NotAction[0])',
    );
  });

  it('refuses action names without a service prefix, as IAM does (TV-T19a prints one; test/policy/grammar.test.ts has the rest)', () => {
    expect(reject(doc({ Effect: 'Allow', Action: 'GetItem', Resource: '*' })).message).toBe(
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (at Statement[0].Action)',
    );
  });

  it('needs exactly one of Resource / NotResource outside trust policies; "" is refused (TV-X5; IAM\'s message)', () => {
    for (const kind of ['identity', 'session', 'boundary'] as const) {
      expect(reject(doc({ Effect: 'Allow', Action: 's3:*' }), kind).message).toBe('Policy statement must contain resources. (at Statement[0])');
    }
    expect(reject(doc({ Effect: 'Allow', Action: 's3:*', Resource: '' })).message).toBe('Resource  must be in ARN format or "*". (at Statement[0].Resource)');
    expect(reject(doc({ Effect: 'Allow', Action: 's3:*', Resource: [] })).message).toBe('Policy statement must contain resources. (at Statement[0])');
    expect(reject(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*', NotResource: 'x' })).message).toBe(
      'Syntax errors in policy. A statement cannot have both Resource and NotResource. (at Statement[0])',
    );
  });

  it('applies the Principal / Resource rules of each kind (G18773)', () => {
    const withPrincipal = { Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' };
    expect(reject(doc({ ...ALLOW_ALL, Principal: '*' }), 'identity').message).toBe(
      'Policy document should not specify a principal. (at Statement[0].Principal)',
    );
    expect(reject(doc({ ...ALLOW_ALL, NotPrincipal: '*' }), 'session').path).toBe('Statement[0].NotPrincipal');
    expect(reject(doc({ ...ALLOW_ALL, Principal: '*' }), 'boundary').problem).toBe('grammar');

    expect(parsePolicy(doc(withPrincipal), { kind: 'trust', name: 't' }).kind).toBe('trust');
    expect(reject(doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust').message).toBe('Missing required field Principal (at Statement[0])');
    expect(reject(doc({ ...withPrincipal, Resource: '*' }), 'trust').message).toBe('Has prohibited field Resource (at Statement[0].Resource)');
    expect(reject(doc({ ...withPrincipal, NotResource: '*' }), 'trust').message).toBe('Has prohibited field NotResource (at Statement[0].NotResource)');
    expect(reject(doc({ Effect: 'Deny', NotPrincipal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }), 'trust').message).toBe(
      'Has prohibited field NotPrincipal (at Statement[0].NotPrincipal)',
    );

    expect(parsePolicy(doc({ ...withPrincipal, Resource: '*' }), { kind: 'resource', name: 'r' }).kind).toBe('resource');
    expect(reject(doc(withPrincipal), 'resource').message).toBe('Policy statement must contain resources. (at Statement[0])');
    expect(reject(doc(ALLOW_ALL), 'resource').message).toBe('Missing required field Principal (at Statement[0])');
    expect(reject(doc({ ...ALLOW_ALL, Principal: '*', NotPrincipal: '*' }), 'resource').message).toBe(
      'Syntax errors in policy. A statement cannot have both Principal and NotPrincipal. (at Statement[0])',
    );
  });

  it('checks principal values: "*", or AWS / Federated / Service / CanonicalUser entries without partial wildcards', () => {
    const trust = (principal: unknown) => doc({ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' });
    for (const ok of ['*', { AWS: '*' }, { AWS: ['111122223333', 'arn:aws:iam::111122223333:user/Bob'] }, { Service: ['a.amazonaws.com', 'b.amazonaws.com'] }, { CanonicalUser: 'abc' }]) {
      expect(parsePolicy(trust(ok), { kind: 'trust', name: 't' }).statementCount).toBe(1);
    }
    expect(reject(trust('everyone'), 'trust').path).toBe('Statement[0].Principal');
    expect(reject(trust({}), 'trust').path).toBe('Statement[0].Principal');
    expect(reject(trust({ User: 'x' }), 'trust').message).toBe('Invalid principal in policy: unknown principal type "User". (at Statement[0].Principal.User)');
    expect(reject(trust({ AWS: 'arn:aws:iam::111122223333:user/*' }), 'trust').message).toBe(
      'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*" (wildcards are not allowed in principals). (at Statement[0].Principal.AWS)',
    );
    expect(reject(trust({ Federated: '*' }), 'trust').path).toBe('Statement[0].Principal.Federated');
    expect(reject(trust({ AWS: [] }), 'trust').message).toBe('AWS principal must not be an empty list. (at Statement[0].Principal.AWS)');
    expect(reject(trust({ Service: [''] }), 'trust').path).toBe('Statement[0].Principal.Service[0]');
  });
});

describe('parsePolicy: conditions', () => {
  const withCondition = (condition: unknown) => doc({ ...ALLOW_ALL, Condition: condition });

  it('accepts every operator of §6.3, with IfExists and set qualifiers, and the guide aliases', () => {
    const condition = {
      StringEquals: { a: 'x' },
      StringNotEquals: { b: 'x' },
      StringEqualsIgnoreCase: { c: 'x' },
      StringNotEqualsIgnoreCase: { d: 'x' },
      StringLike: { e: 'x*' },
      StringNotLike: { f: 'x?' },
      NumericEquals: { g: 1 },
      NumericNotEquals: { h: '1.5' },
      NumericLessThan: { i: '-3' },
      NumericLessThanEquals: { j: 1e3 },
      NumericGreaterThan: { k: '10.0' },
      NumericGreaterThanEquals: { l: 0 },
      DateEquals: { m: '2017-07-01T00:00:00Z' },
      DateNotEquals: { n: '1500000000' },
      DateLessThan: { o: '2014-11-30T12:00Z' },
      DateLessThanEquals: { p: '2017-07-01' },
      DateGreaterThan: { q: '2017-07-01T00:00:00.123+02:00' },
      DateGreaterThanEquals: { r: 1500000000 },
      DateGreaterThanOrEqual: { s: '2017-07-01T00:00:00Z' },
      DateLessThanOrEqual: { t: '2017-07-01T00:00:00Z' },
      Bool: { u: true, U: 'False' },
      BinaryEquals: { v: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' },
      IpAddress: { w: ['203.0.113.0/24', '2001:DB8:1234:5678::/64', '192.0.2.1'] },
      NotIpAddress: { x: '::ffff:192.0.2.0/120' },
      ArnEquals: { y: 'arn:aws:sns:REGION:123456789012:TOPIC-ID' },
      ArnLike: { z: 'arn:aws:iam::*:role/*' },
      ArnNotEquals: { aa: 'arn:aws:iam::1:role/x' },
      ArnNotLike: { ab: 'arn:*:*:*:*:*' },
      Null: { ac: 'true', ad: false },
      StringLikeIfExists: { ae: 'x' },
      'ForAnyValue:StringEqualsIfExists': { af: 'x' },
      'ForAllValues:ArnLike': { ag: 'arn:aws:s3:::*' },
      'ForAnyValue:NumericLessThan': { ah: 5 },
    };
    const p = parsePolicy(withCondition(condition), { kind: 'identity', name: 'x' });
    expect(p.statementCount).toBe(1);
  });

  it('rejects unknown operators that name keys, with a hint for a wrong case', () => {
    expect(reject(withCondition({ StringEqualz: { a: 'x' } })).message).toBe(
      'Syntax errors in policy. Unknown condition operator "StringEqualz". (at Statement[0].Condition.StringEqualz)',
    );
    expect(reject(withCondition({ stringEquals: { a: 'x' } })).message).toBe(
      'Syntax errors in policy. Unknown condition operator "stringEquals" (did you mean StringEquals?). (at Statement[0].Condition.stringEquals)',
    );
    expect(reject(withCondition({ 'ForSomeValues:StringEquals': { a: 'x' } })).problem).toBe('grammar');
    expect(reject(withCondition({ IfExists: { a: 'x' } })).problem).toBe('grammar');
  });

  it('rejects malformed condition blocks', () => {
    expect(reject(withCondition('aws:SecureTransport')).message).toBe('Syntax errors in policy. Condition must be an object of condition operators. (at Statement[0].Condition)');
    expect(reject(withCondition({ Bool: ['true'] })).path).toBe('Statement[0].Condition.Bool');
    expect(reject(withCondition({ StringEquals: { a: ['x', null] } })).message).toBe(
      'Syntax errors in policy. Condition values must be strings, numbers or booleans. (at Statement[0].Condition.StringEquals.a[1])',
    );
    expect(reject(withCondition({ StringEquals: { a: { b: 'c' } } })).problem).toBe('grammar');
  });

  it('accepts, as void (never matching, with a warning), what IAM accepts but can never match', () => {
    const voids = (condition: unknown) => policyWarnings(parsePolicy(withCondition(condition), { kind: 'identity', name: 'x' })).map((w) => w.path);
    const at = 'Statement[0].Condition';
    expect(voids({ Bool: {} })).toEqual([`${at}.Bool`]);
    expect(voids({ Unheard: {} })).toEqual([`${at}.Unheard`]);
    expect(voids({ StringEquals: { a: [] } })).toEqual([`${at}.StringEquals.a`]);
    expect(voids({ NullIfExists: { a: 'true' } })).toEqual([`${at}.NullIfExists.a`]);
    expect(voids({ 'ForAnyValue:Null': { a: 'true' } })).toEqual([`${at}["ForAnyValue:Null"].a`]);
    expect(voids({ NumericLessThan: { 'aws:MultiFactorAuthAge': 'an hour' } })).toEqual([`${at}.NumericLessThan["aws:MultiFactorAuthAge"]`]);
    expect(voids({ NumericEquals: { a: true } })).toHaveLength(1);
    expect(voids({ DateLessThan: { 'aws:CurrentTime': '2017-07-01T00:00:00' } })).toHaveLength(1);
    expect(voids({ DateLessThan: { a: '2017-02-30T00:00:00Z' } })).toHaveLength(1);
    expect(voids({ Bool: { a: 'yes' } })).toHaveLength(1);
    expect(voids({ Bool: { a: 1 } })).toHaveLength(1);
    expect(voids({ Null: { a: 'maybe' } })).toHaveLength(1);
    expect(voids({ BinaryEquals: { a: 'not base64!' } })).toHaveLength(1);
    for (const bad of ['203.0.113.0/33', '203.0.113', '256.1.1.1', '010.0.0.1', '2001:db8::1::2', 'fe80::1%eth0', '2001:db8::/129', 'xxx']) {
      expect(voids({ IpAddress: { 'aws:SourceIp': bad } })).toEqual([`${at}.IpAddress["aws:SourceIp"]`]);
    }
    // A Date value IAM cannot read at all is refused.
    expect(reject(withCondition({ DateGreaterThan: { a: '${aws:CurrentTime}' } })).awsMessage).toBe('The policy failed legacy parsing');
  });

  it('rejects a malformed policy variable in a 2012-10-17 document, but not in a 2008-10-17 one', () => {
    const resource = { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username' };
    expect(reject(doc(resource)).message).toBe(
      `Invalid policy variable in "arn:aws:s3:::b/\${aws:username": expected \${key}, \${key, 'default'}, \${*}, \${?} or \${$}. (at Statement[0].Resource)`,
    );
    expect(parsePolicy({ Statement: [resource] }, { kind: 'identity', name: 'x' }).version).toBe('2008-10-17');
    expect(reject(withCondition({ StringLike: { a: '${}' } })).path).toBe('Statement[0].Condition.StringLike.a');
  });
});
