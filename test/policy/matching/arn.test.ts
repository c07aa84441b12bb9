import { describe, expect, it } from 'vitest';
import { arnMatches } from '../../../src/policy/index.js';

describe('arnMatches (Resource semantics, G17516)', () => {
  it('"*" alone matches everything, ARNs or not', () => {
    expect(arnMatches('*', 'arn:aws:s3:::b/k')).toBe(true);
    expect(arnMatches('*', '*')).toBe(true);
    expect(arnMatches('*', 'not-an-arn')).toBe(true);
  });

  it('matches exact ARNs case-sensitively', () => {
    expect(arnMatches('arn:aws:iam::1:role/TestAdmin', 'arn:aws:iam::1:role/TestAdmin')).toBe(true);
    expect(arnMatches('arn:aws:iam::1:role/Test*', 'arn:aws:iam::1:role/test')).toBe(false);
  });

  it('wildcards in the first five segments stay in their segment', () => {
    const pattern = 'arn:aws:ec2:*:*:traffic-mirror-target/tmt-1';
    expect(arnMatches(pattern, 'arn:aws:ec2:us-east-1:111122223333:traffic-mirror-target/tmt-1')).toBe(true);
    expect(arnMatches(pattern, 'arn:aws:ec2:us-east-1:traffic-mirror-target/tmt-1')).toBe(false);
    expect(arnMatches('arn:aws:ec2:us-*-1:*:instance/*', 'arn:aws:ec2:us-east-1:1:instance/i-1')).toBe(true);
    expect(arnMatches('arn:aws:ec2:us-?-1:*:instance/*', 'arn:aws:ec2:us-e-1:1:instance/i-1')).toBe(true);
    expect(arnMatches('arn:*:s3:::b', 'arn:aws:s3:::b')).toBe(true);
    expect(arnMatches('arn:*:s3:::b', 'arn:aws:x:s3:::b')).toBe(false);
  });

  it('in the resource part, "*" matches "/" and ":" too', () => {
    expect(arnMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c')).toBe(true);
    expect(arnMatches('arn:aws:iam::*:*', 'arn:aws:iam::123456789012:group/AllUsers')).toBe(true);
    expect(arnMatches('arn:aws:sns:*:123456789012:queue1', 'arn:aws:sns:us-east-2:123456789012:queue1')).toBe(true);
    expect(arnMatches('arn:aws:sns:*:123456789012:queue1', 'arn:aws:sns:us-east-2:123456789012:queue1:x')).toBe(false);
  });

  it('empty segments are literal: arn:aws:s3::::B (four colons) is not arn:aws:s3:::B', () => {
    expect(arnMatches('arn:aws:s3::::BUCKETNAME/*', 'arn:aws:s3::::BUCKETNAME/x')).toBe(true);
    expect(arnMatches('arn:aws:s3::::BUCKETNAME/*', 'arn:aws:s3:::BUCKETNAME/x')).toBe(false);
  });

  it('compares a pattern with fewer than six parts as a whole, wildcards not crossing ":"', () => {
    expect(arnMatches('GetItem*', 'GetItems')).toBe(true);
    expect(arnMatches('arn:aws:ec2:*', 'arn:aws:ec2:us-east-1:1:instance/i-1')).toBe(false);
    expect(arnMatches('arn:aws:ec2:*', 'arn:aws:ec2:us-east-1')).toBe(true);
  });
});
