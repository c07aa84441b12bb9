import { describe, expect, it } from 'vitest';
import { holds } from './helpers.js';

describe('String operators', () => {
  it('StringEquals is case-sensitive and literal (no wildcards); values are OR-ed', () => {
    const c = { StringEquals: { 'aws:UserAgent': ['Example Corp Java Client', 'curl/8.0'] } };
    expect(holds(c, { 'aws:UserAgent': 'Example Corp Java Client' })).toBe(true);
    expect(holds(c, { 'aws:UserAgent': 'curl/8.0' })).toBe(true);
    expect(holds(c, { 'aws:UserAgent': 'example corp java client' })).toBe(false);
    expect(holds({ StringEquals: { k: 'a*' } }, { k: 'abc' })).toBe(false);
    expect(holds({ StringEquals: { k: 'a*' } }, { k: 'a*' })).toBe(true);
  });

  it('StringNotEquals is true when the value equals none of the policy values', () => {
    const c = { StringNotEquals: { k: ['a', 'b'] } };
    expect(holds(c, { k: 'c' })).toBe(true);
    expect(holds(c, { k: 'a' })).toBe(false);
    expect(holds(c, { k: 'b' })).toBe(false);
  });

  it('StringEqualsIgnoreCase / StringNotEqualsIgnoreCase ignore case on both sides', () => {
    expect(holds({ StringEqualsIgnoreCase: { k: 'Staff' } }, { k: 'STAFF' })).toBe(true);
    expect(holds({ StringEqualsIgnoreCase: { k: 'Staff' } }, { k: 'student' })).toBe(false);
    expect(holds({ StringNotEqualsIgnoreCase: { k: ['Staff', 'Faculty'] } }, { k: 'faculty' })).toBe(false);
    expect(holds({ StringNotEqualsIgnoreCase: { k: ['Staff', 'Faculty'] } }, { k: 'student' })).toBe(true);
  });

  it('StringLike: * is any run (including none and "/"), ? exactly one character, case-sensitive', () => {
    const c = { StringLike: { k: ['home/*', 't?.micro'] } };
    expect(holds(c, { k: 'home/' })).toBe(true);
    expect(holds(c, { k: 'home/David/photos/x.jpg' })).toBe(true);
    expect(holds(c, { k: 't2.micro' })).toBe(true);
    expect(holds(c, { k: 't.micro' })).toBe(false);
    expect(holds(c, { k: 't22.micro' })).toBe(false);
    expect(holds(c, { k: 'Home/x' })).toBe(false);
    expect(holds({ StringLike: { k: '' } }, { k: '' })).toBe(true);
    expect(holds({ StringLike: { k: '*a*b*' } }, { k: 'xxaxxbxx' })).toBe(true);
    expect(holds({ StringLike: { k: '*a*b*' } }, { k: 'xxbxxaxx' })).toBe(false);
  });

  it('StringNotLike is true when the value matches none of the patterns', () => {
    const c = { StringNotLike: { k: ['t1.*', 't2.*'] } };
    expect(holds(c, { k: 'm3.large' })).toBe(true);
    expect(holds(c, { k: 't2.micro' })).toBe(false);
  });

  it('values written as JSON numbers or booleans compare as their text', () => {
    expect(holds({ StringEquals: { 'sts:ExternalId': 12345 } }, { 'sts:ExternalId': '12345' })).toBe(true);
    expect(holds({ StringEquals: { k: true } }, { k: 'true' })).toBe(true);
  });
});

describe('Numeric operators', () => {
  it.each([
    ['NumericEquals', '10', true],
    ['NumericEquals', '10.0', true],
    ['NumericEquals', '1e1', true],
    ['NumericEquals', '11', false],
    ['NumericNotEquals', '10.00', false],
    ['NumericNotEquals', '9', true],
    ['NumericLessThan', '9.99', true],
    ['NumericLessThan', '10', false],
    ['NumericLessThanEquals', '10', true],
    ['NumericLessThanEquals', '10.01', false],
    ['NumericGreaterThan', '10', false],
    ['NumericGreaterThan', '10.5', true],
    ['NumericGreaterThanEquals', '10', true],
    ['NumericGreaterThanEquals', '-10', false],
  ])('%s 10 with request %s → %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 's3:max-keys': '10' } }, { 's3:max-keys': value })).toBe(expected);
  });

  it('a request value that is not a number matches nothing (and so satisfies a negated operator)', () => {
    expect(holds({ NumericLessThan: { k: 100 } }, { k: 'ten' })).toBe(false);
    expect(holds({ NumericNotEquals: { k: 100 } }, { k: 'ten' })).toBe(true);
  });
});

describe('Date operators', () => {
  const at = (operator: string, time: string) => holds({ [operator]: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' } }, { 'aws:CurrentTime': time });

  it('compare instants, strictly for LessThan / GreaterThan', () => {
    expect(at('DateGreaterThan', '2017-07-01T00:00:00Z')).toBe(false);
    expect(at('DateGreaterThan', '2017-07-01T00:00:01Z')).toBe(true);
    expect(at('DateGreaterThanEquals', '2017-07-01T00:00:00Z')).toBe(true);
    expect(at('DateLessThan', '2017-07-01T00:00:00Z')).toBe(false);
    expect(at('DateLessThan', '2017-06-30T23:59:59Z')).toBe(true);
    expect(at('DateLessThanEquals', '2017-07-01T00:00:00Z')).toBe(true);
    expect(at('DateEquals', '2017-07-01T02:00:00+02:00')).toBe(true);
    expect(at('DateNotEquals', '2017-07-01T00:00:00.000Z')).toBe(false);
    expect(at('DateNotEquals', '2017-07-01T00:00:00.001Z')).toBe(true);
  });

  it('accept the guide aliases DateGreaterThanOrEqual / DateLessThanOrEqual (§10 #7)', () => {
    expect(at('DateGreaterThanOrEqual', '2017-07-01T00:00:00Z')).toBe(true);
    expect(at('DateGreaterThanOrEqual', '2017-06-30T23:59:59Z')).toBe(false);
    expect(at('DateLessThanOrEqual', '2017-07-01T00:00:00Z')).toBe(true);
    expect(at('DateLessThanOrEqual', '2017-07-01T00:00:01Z')).toBe(false);
  });

  it('take ISO 8601 and epoch seconds on both sides', () => {
    // 2017-07-01T00:00:00Z = 1498867200
    expect(holds({ DateEquals: { 'aws:EpochTime': 1498867200 } }, { 'aws:EpochTime': '2017-07-01T00:00:00Z' })).toBe(true);
    expect(holds({ DateEquals: { 'aws:EpochTime': '2017-07-01T00:00Z' } }, { 'aws:EpochTime': '1498867200' })).toBe(true);
    expect(holds({ DateLessThan: { 'aws:EpochTime': '2017-07-01' } }, { 'aws:EpochTime': '1498867199' })).toBe(true);
    expect(holds({ DateLessThan: { 'aws:EpochTime': '2017-07-01' } }, { 'aws:EpochTime': '1498867200.5' })).toBe(false);
  });

  it('a request value that is not a date matches nothing', () => {
    expect(holds({ DateLessThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }, { 'aws:CurrentTime': 'yesterday' })).toBe(false);
  });
});

describe('Bool', () => {
  it('takes "true"/"false" strings or JSON booleans in the policy, and compares request values case-insensitively', () => {
    for (const policyValue of [true, 'true', 'TRUE']) {
      expect(holds({ Bool: { 'aws:SecureTransport': policyValue } }, { 'aws:SecureTransport': 'true' })).toBe(true);
      expect(holds({ Bool: { 'aws:SecureTransport': policyValue } }, { 'aws:SecureTransport': 'True' })).toBe(true);
      expect(holds({ Bool: { 'aws:SecureTransport': policyValue } }, { 'aws:SecureTransport': 'false' })).toBe(false);
    }
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'FALSE' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'yes' })).toBe(false);
  });
});

describe('BinaryEquals', () => {
  it('compares bytes: the request value is base 64 as well', () => {
    const c = { BinaryEquals: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } };
    expect(holds(c, { key: Buffer.from('BinaryValueInBase64').toString('base64') })).toBe(true);
    expect(holds(c, { key: Buffer.from('BinaryValueInBase65').toString('base64') })).toBe(false);
    expect(holds(c, { key: 'BinaryValueInBase64' })).toBe(false);
  });
});

describe('IpAddress / NotIpAddress', () => {
  it('match IPv4 CIDR blocks; a bare address is /32 (G17828)', () => {
    const c = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '192.0.2.7'] } };
    expect(holds(c, { 'aws:SourceIp': '203.0.113.255' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '203.0.114.0' })).toBe(false);
    expect(holds(c, { 'aws:SourceIp': '192.0.2.7' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '192.0.2.8' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '198.51.100.1' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '203.0.113.77/24' } }, { 'aws:SourceIp': '203.0.113.1' })).toBe(true);
  });

  it('match IPv6 blocks, hex case-insensitive, compressed or not; a bare address is /128', () => {
    const c = { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } };
    expect(holds(c, { 'aws:SourceIp': '2001:db8:1234:5678::1' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '2001:0db8:1234:5678:ffff:ffff:ffff:ffff' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '2001:db8:1234:5679::1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::1' } }, { 'aws:SourceIp': '2001:DB8:0:0:0:0:0:1' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::1' } }, { 'aws:SourceIp': '2001:db8::2' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '2001:db8::/31' } }, { 'aws:SourceIp': '2001:db9:ffff::1' })).toBe(true);
  });

  it('treat IPv4-mapped IPv6 as IPv4 on both sides; otherwise families never mix', () => {
    expect(holds({ IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }, { 'aws:SourceIp': '::ffff:192.0.2.9' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::ffff:192.0.2.0/120' } }, { 'aws:SourceIp': '192.0.2.9' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::ffff:c000:200/120' } }, { 'aws:SourceIp': '192.0.3.1' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::/0' } }, { 'aws:SourceIp': '192.0.2.9' })).toBe(false);
    expect(holds({ IpAddress: { 'aws:SourceIp': '::/0' } }, { 'aws:SourceIp': '2001:db8::1' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': '2001:db8::1' })).toBe(false);
  });

  it('NotIpAddress is true outside every block; a request value that is not an address is in none', () => {
    const c = { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } };
    expect(holds(c, { 'aws:SourceIp': '192.0.2.77' })).toBe(false);
    expect(holds(c, { 'aws:SourceIp': '198.51.100.1' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '2001:db8::1' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': 'unknown' })).toBe(true);
    expect(holds({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }, { 'aws:SourceIp': 'fe80::1%eth0' })).toBe(false);
  });
});

describe('ARN operators', () => {
  it('ArnEquals and ArnLike match the six parts separately, with wildcards, case-sensitively (G17885)', () => {
    for (const operator of ['ArnEquals', 'ArnLike']) {
      const c = { [operator]: { 'aws:SourceArn': 'arn:aws:sns:*:123456789012:TOPIC-*' } };
      expect(holds(c, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:TOPIC-ID' })).toBe(true);
      expect(holds(c, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:topic-id' })).toBe(false);
      expect(holds(c, { 'aws:SourceArn': 'arn:aws:sns:us-east-1:210987654321:TOPIC-ID' })).toBe(false);
    }
  });

  it('a wildcard stays inside its segment; the resource part takes everything', () => {
    expect(holds({ ArnLike: { k: 'arn:aws:iam::*:role/*' } }, { k: 'arn:aws:iam::123456789012:role/a/b:c' })).toBe(true);
    expect(holds({ ArnLike: { k: 'arn:aws:*:role/x' } }, { k: 'arn:aws:iam::1:role/x' })).toBe(false);
    expect(holds({ ArnLike: { k: 'arn:aws:s3:::*' } }, { k: 'arn:aws:s3' })).toBe(false);
  });

  it('ArnNotEquals / ArnNotLike are true when no pattern matches', () => {
    const c = { ArnNotLike: { k: ['arn:aws:iam::*:role/Admin*', 'arn:aws:iam::*:root'] } };
    expect(holds(c, { k: 'arn:aws:iam::1:role/Reader' })).toBe(true);
    expect(holds(c, { k: 'arn:aws:iam::1:role/AdminX' })).toBe(false);
    expect(holds({ ArnNotEquals: { k: 'arn:aws:iam::1:root' } }, { k: 'arn:aws:iam::1:root' })).toBe(false);
  });
});

describe('Null', () => {
  it('"true" holds when the key is absent (or an empty list); "false" when it is present (G17958)', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, {})).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': true } }, { 'aws:TokenIssueTime': '2014-05-07T23:47:00Z' })).toBe(false);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2014-05-07T23:47:00Z' })).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': false } }, {})).toBe(false);
    expect(holds({ Null: { groups: 'true' } }, { groups: [] })).toBe(true);
    expect(holds({ Null: { k: 'false' } }, { k: '' })).toBe(true);
  });
});

describe('combining conditions (G17625)', () => {
  it('ANDs operators and keys, ORs values', () => {
    const c = {
      DateGreaterThan: { 'aws:CurrentTime': '2013-08-16T12:00:00Z' },
      DateLessThan: { 'aws:CurrentTime': '2013-08-16T15:00:00Z' },
      IpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] },
      StringEquals: { a: '1', b: '2' },
    };
    const ok = { 'aws:CurrentTime': '2013-08-16T13:00:00Z', 'aws:SourceIp': '203.0.113.5', a: '1', b: '2' };
    expect(holds(c, ok)).toBe(true);
    expect(holds(c, { ...ok, 'aws:SourceIp': '198.51.100.5' })).toBe(false);
    expect(holds(c, { ...ok, 'aws:CurrentTime': '2013-08-16T16:00:00Z' })).toBe(false);
    expect(holds(c, { ...ok, b: '1' })).toBe(false);
    expect(holds(c, { ...ok, a: undefined })).toBe(false);
  });

  it('looks condition keys up case-insensitively; values stay case-sensitive', () => {
    expect(holds({ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }, { 'saml:AUD': 'https://signin.aws.amazon.com/saml' })).toBe(true);
    expect(holds({ StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } }, { 'saml:aud': 'HTTPS://signin.aws.amazon.com/saml' })).toBe(false);
  });

  it('treats keys as opaque strings, colons and dots included', () => {
    const c = { StringEquals: { '127.0.0.1:8443:aud': 'client-1' } };
    expect(holds(c, { '127.0.0.1:8443:aud': 'client-1' })).toBe(true);
    expect(holds(c, { '127.0.0.1:aud': 'client-1' })).toBe(false);
  });
});

describe('absent keys and IfExists (§6.5)', () => {
  it('without IfExists an absent key fails positive operators', () => {
    expect(holds({ StringEquals: { k: 'x' } }, {})).toBe(false);
    expect(holds({ Bool: { 'aws:MultiFactorAuthPresent': false } }, {})).toBe(false);
    expect(holds({ StringEquals: { k: 'x' } }, { k: [] })).toBe(false);
    expect(holds({ 'ForAnyValue:StringNotEquals': { k: 'x' } }, {})).toBe(false);
  });

  it('an absent key satisfies negated operators without a set qualifier (AWS: "true if the key is not present")', () => {
    expect(holds({ StringNotEquals: { k: 'x' } }, {})).toBe(true);
    expect(holds({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, {})).toBe(true);
    expect(holds({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' } }, {})).toBe(true);
    expect(holds({ StringNotLike: { k: 'x*' } }, { k: [] })).toBe(true);
  });

  it('with IfExists an absent key passes, a present one is checked', () => {
    expect(holds({ BoolIfExists: { 'aws:MultiFactorAuthPresent': false } }, {})).toBe(true);
    expect(holds({ BoolIfExists: { 'aws:MultiFactorAuthPresent': false } }, { 'aws:MultiFactorAuthPresent': 'true' })).toBe(false);
    expect(holds({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': 3600 } }, { 'aws:MultiFactorAuthAge': '7200' })).toBe(false);
    expect(holds({ StringNotEqualsIfExists: { k: 'x' } }, {})).toBe(true);
  });

  it('IfExists clauses in different operators are ANDed (§10 #10, TV-T20)', () => {
    const c = { IpAddressIfExists: { 'aws:SourceIp': '192.0.2.0/24' }, StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } };
    expect(holds(c, { 'aws:SourceVpc': 'vpc-1' })).toBe(true);
    expect(holds(c, { 'aws:SourceIp': '192.0.2.1', 'aws:SourceVpc': 'vpc-2' })).toBe(false);
    expect(holds(c, {})).toBe(true);
  });
});

describe('multi-valued keys and set operators (§6.4)', () => {
  it('without a qualifier, a multi-valued key matches when any of its values does', () => {
    expect(holds({ StringEquals: { groups: 'admins' } }, { groups: ['users', 'admins'] })).toBe(true);
    expect(holds({ StringEquals: { groups: 'admins' } }, { groups: ['users'] })).toBe(false);
  });

  it('ForAnyValue: some request value matches some policy value; an absent or empty set is false', () => {
    const c = { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'Post*'] } };
    expect(holds(c, { 'dynamodb:requestedAttributes': ['UserName', 'PostDateTime'] })).toBe(true);
    expect(holds(c, { 'dynamodb:requestedAttributes': ['UserName'] })).toBe(false);
    expect(holds(c, { 'dynamodb:requestedAttributes': [] })).toBe(false);
    expect(holds(c, { 'dynamodb:requestedAttributes': '' })).toBe(false);
    expect(holds(c, {})).toBe(false);
    expect(holds(c, { 'dynamodb:requestedAttributes': 'ID' })).toBe(true);
  });

  it('ForAllValues: every request value matches some policy value; an absent or empty set is true (G18149)', () => {
    const c = { 'ForAllValues:StringEquals': { 'saml:edupersonaffiliation': ['faculty', 'staff', 'employee'] } };
    expect(holds(c, { 'saml:edupersonaffiliation': ['staff', 'employee'] })).toBe(true);
    expect(holds(c, { 'saml:edupersonaffiliation': ['staff', 'student'] })).toBe(false);
    expect(holds(c, { 'saml:edupersonaffiliation': [] })).toBe(true);
    expect(holds(c, { 'saml:edupersonaffiliation': '' })).toBe(true);
    expect(holds(c, {})).toBe(true);
  });

  it('negated operators are NOT(OR over policy values) per request value, then the qualifier (TV-V16 semantics)', () => {
    const anyNot = { 'ForAnyValue:StringNotEquals': { 'aws:username': ['srodriguez', 'mjackson', 'adesai'] } };
    expect(holds(anyNot, { 'aws:username': 'srodriguez' })).toBe(false);
    expect(holds(anyNot, { 'aws:username': 'jdoe' })).toBe(true);
    expect(holds(anyNot, { 'aws:username': ['srodriguez', 'jdoe'] })).toBe(true);
    const allNot = { 'ForAllValues:StringNotLike': { groups: ['admin*'] } };
    expect(holds(allNot, { groups: ['users', 'ops'] })).toBe(true);
    expect(holds(allNot, { groups: ['users', 'admins'] })).toBe(false);
    const plainNot = { StringNotEquals: { groups: ['admins'] } };
    expect(holds(plainNot, { groups: ['admins', 'users'] })).toBe(true);
    expect(holds(plainNot, { groups: ['admins'] })).toBe(false);
  });

  it('set qualifiers work with every family', () => {
    expect(holds({ 'ForAllValues:NumericLessThan': { k: 10 } }, { k: ['1', '9.5'] })).toBe(true);
    expect(holds({ 'ForAllValues:NumericLessThan': { k: 10 } }, { k: ['1', '10'] })).toBe(false);
    expect(holds({ 'ForAnyValue:IpAddress': { k: '10.0.0.0/8' } }, { k: ['192.0.2.1', '10.1.2.3'] })).toBe(true);
    expect(holds({ 'ForAnyValue:ArnLike': { k: 'arn:aws:iam::*:role/A*' } }, { k: ['arn:aws:iam::1:role/B', 'arn:aws:iam::1:role/Ab'] })).toBe(true);
  });
});
