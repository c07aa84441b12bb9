/**
 * The guide's principal-type table of aws:username / aws:userid (G18370–G18405, seed-digest §6.6),
 * with the spec's decisions (semantics.md "Condition keys", seed-digest §10 #8 and #9):
 * every AssumeRole* session — plain, SAML and web identity — has aws:userid = role-id:RoleSessionName
 * and aws:PrincipalType = AssumedRole; aws:username exists for IAM users only.
 *
 * Policy side: the context each principal type carries is written out here; the tests check that
 * `${aws:userid}` and `${aws:username}` substitute (or fail to) accordingly.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, policy } from '../fixtures/seed-vectors.js';
import type { ContextEntries } from '../fixtures/seed-vectors.js';

interface Row {
  readonly principal: string;
  readonly keys: ContextEntries;
  /** Expected aws:userid, undefined = not present. */
  readonly userid: string | undefined;
  readonly username: string | undefined;
  readonly principalType: string;
}

const ACCOUNT = '123456789012';

const TABLE: readonly Row[] = [
  {
    principal: 'AWS account (root)',
    keys: { 'aws:userid': ACCOUNT, 'aws:PrincipalType': 'Account' },
    userid: ACCOUNT,
    username: undefined,
    principalType: 'Account',
  },
  {
    principal: 'IAM user',
    keys: { 'aws:userid': 'AIDAJQABLZS4A3QDU576Q', 'aws:username': 'Bob', 'aws:PrincipalType': 'User' },
    userid: 'AIDAJQABLZS4A3QDU576Q',
    username: 'Bob',
    principalType: 'User',
  },
  {
    principal: 'Federated user (GetFederationToken)',
    keys: { 'aws:userid': `${ACCOUNT}:Jean`, 'aws:PrincipalType': 'FederatedUser' },
    userid: `${ACCOUNT}:Jean`,
    username: undefined,
    principalType: 'FederatedUser',
  },
  {
    principal: 'Web identity session (decision: role-id:RoleSessionName, not "not present")',
    keys: { 'aws:userid': 'AROAWEBROLEEXAMPLE:app-user-1', 'aws:PrincipalType': 'AssumedRole', 'accounts.google.com:sub': '1234' },
    userid: 'AROAWEBROLEEXAMPLE:app-user-1',
    username: undefined,
    principalType: 'AssumedRole',
  },
  {
    principal: 'SAML session (decision: role-id:RoleSessionName)',
    keys: { 'aws:userid': 'AROASAMLROLEEXAMPLE:alice@example.com', 'aws:PrincipalType': 'AssumedRole', 'saml:sub': 'alice' },
    userid: 'AROASAMLROLEEXAMPLE:alice@example.com',
    username: undefined,
    principalType: 'AssumedRole',
  },
  {
    principal: 'Assumed role',
    keys: { 'aws:userid': 'AIDIODR4TAW7CSEXAMPLE:MyRole', 'aws:PrincipalType': 'AssumedRole' },
    userid: 'AIDIODR4TAW7CSEXAMPLE:MyRole',
    username: undefined,
    principalType: 'AssumedRole',
  },
  {
    principal: 'Role assigned to an EC2 instance',
    keys: { 'aws:userid': 'AROAEC2ROLEEXAMPLE:i-0abcd1234', 'aws:PrincipalType': 'AssumedRole' },
    userid: 'AROAEC2ROLEEXAMPLE:i-0abcd1234',
    username: undefined,
    principalType: 'AssumedRole',
  },
  {
    principal: 'Anonymous caller',
    keys: { 'aws:PrincipalType': 'Anonymous' },
    userid: undefined,
    username: undefined,
    principalType: 'Anonymous',
  },
];

const byUserId = policy(
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:userid}/*"}]}',
);
const byUserName = policy(
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}',
);
const byConditionUserId = policy(
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:TerminateSession", "Resource": "*", "Condition": {"StringEquals": {"ssm:resourceTag/owner": "${aws:userid}"}}}]}',
);
const byPrincipalType = policy(
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::types/${aws:PrincipalType}/*"}]}',
);
const withDefault = policy(
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username, \'shared\'}/*"}]}',
);

describe('principal-type table: ${aws:userid} / ${aws:username} per principal type', () => {
  describe.each(TABLE)('$principal', (row) => {
    it(`\${aws:userid} ${row.userid === undefined ? 'does not resolve' : `= ${row.userid}`}`, () => {
      if (row.userid === undefined) {
        expect(evaluate(byUserId, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/${aws:userid}/x', context: row.keys })).toBe('DENY-implicit');
        expect(evaluate(byUserId, { action: 's3:GetObject', resource: 'arn:aws:s3:::home//x', context: row.keys })).toBe('DENY-implicit');
      } else {
        expect(evaluate(byUserId, { action: 's3:GetObject', resource: `arn:aws:s3:::home/${row.userid}/x`, context: row.keys })).toBe('ALLOW');
        expect(evaluate(byUserId, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/someone-else/x', context: row.keys })).toBe('DENY-implicit');
        expect(
          evaluate(byConditionUserId, { action: 'ssm:TerminateSession', context: { ...row.keys, 'ssm:resourceTag/owner': row.userid } }),
        ).toBe('ALLOW');
      }
    });

    it(`\${aws:username} ${row.username === undefined ? 'does not resolve' : `= ${row.username}`}`, () => {
      if (row.username === undefined) {
        expect(evaluate(byUserName, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/Bob/x', context: row.keys })).toBe('DENY-implicit');
        expect(evaluate(withDefault, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/shared/x', context: row.keys })).toBe('ALLOW');
      } else {
        expect(evaluate(byUserName, { action: 's3:GetObject', resource: `arn:aws:s3:::home/${row.username}/x`, context: row.keys })).toBe('ALLOW');
        expect(evaluate(withDefault, { action: 's3:GetObject', resource: `arn:aws:s3:::home/${row.username}/x`, context: row.keys })).toBe('ALLOW');
        expect(evaluate(withDefault, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/shared/x', context: row.keys })).toBe('DENY-implicit');
      }
    });

    it(`aws:PrincipalType = ${row.principalType}`, () => {
      expect(evaluate(byPrincipalType, { action: 's3:GetObject', resource: `arn:aws:s3:::types/${row.principalType}/x`, context: row.keys })).toBe('ALLOW');
      expect(evaluate(byPrincipalType, { action: 's3:GetObject', resource: 'arn:aws:s3:::types/Assumed role/x', context: row.keys })).toBe('DENY-implicit');
    });
  });

  it('a multi-valued key used as a variable does not resolve', () => {
    const keys = { 'aws:username': ['Bob', 'Alice'] };
    expect(evaluate(byUserName, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/Bob/x', context: keys })).toBe('DENY-implicit');
  });

  it('variable names are case-insensitive, values are not', () => {
    const mixed = policy(
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${AWS:UserName}/*"}]}',
    );
    expect(evaluate(mixed, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/Bob/x', context: { 'aws:username': 'Bob' } })).toBe('ALLOW');
    expect(evaluate(mixed, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/bob/x', context: { 'aws:username': 'Bob' } })).toBe('DENY-implicit');
  });

  it('a substituted value is literal: a * in aws:username is not a wildcard', () => {
    const keys = { 'aws:username': '*' };
    expect(evaluate(byUserName, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/Bob/x', context: keys })).toBe('DENY-implicit');
    expect(evaluate(byUserName, { action: 's3:GetObject', resource: 'arn:aws:s3:::home/*/x', context: keys })).toBe('ALLOW');
  });

  it('the escapes ${*}, ${?} and ${$} are literal characters', () => {
    const escapes = policy(
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}${?}${$}/*"}]}',
    );
    expect(evaluate(escapes, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/*?$/x' })).toBe('ALLOW');
    expect(evaluate(escapes, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/ab$/x' })).toBe('DENY-implicit');
  });
});
