import { describe, expect, it } from 'vitest';
import {
  accountRootArn,
  assumedRoleArn,
  federatedUserArn,
  mfaArn,
  oidcProviderArn,
  parseArn,
  parseRoleArn,
  roleArn,
  samlProviderArn,
  userArn,
} from '../../src/credentials/arns.js';

describe('ARN builders (guide G16442–G16553)', () => {
  it('builds the guide examples', () => {
    expect(accountRootArn('aws', '123456789012')).toBe('arn:aws:iam::123456789012:root');
    expect(userArn('aws', '123456789012', '/', 'Bob')).toBe('arn:aws:iam::123456789012:user/Bob');
    expect(userArn('aws', '123456789012', '/division_abc/subdivision_xyz/', 'Bob')).toBe(
      'arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob',
    );
    expect(roleArn('aws', '123456789012', '/', 'S3Access')).toBe('arn:aws:iam::123456789012:role/S3Access');
    expect(federatedUserArn('aws', '123456789012', 'Bob')).toBe('arn:aws:sts::123456789012:federated-user/Bob');
    expect(assumedRoleArn('aws', '123456789012', 'Accounting-Role', 'Mary')).toBe('arn:aws:sts::123456789012:assumed-role/Accounting-Role/Mary');
    expect(mfaArn('aws', '123456789012', '/', 'Bob')).toBe('arn:aws:iam::123456789012:mfa/Bob');
    expect(samlProviderArn('aws', '123456789012', 'ADFSProvider')).toBe('arn:aws:iam::123456789012:saml-provider/ADFSProvider');
    expect(oidcProviderArn('aws', '123456789012', 'GoogleProvider')).toBe('arn:aws:iam::123456789012:oidc-provider/GoogleProvider');
  });

  it('puts role paths in role ARNs, treats an empty path as /, and uses other partitions', () => {
    expect(roleArn('aws-cn', '123456789012', '/team/', 'Dev')).toBe('arn:aws-cn:iam::123456789012:role/team/Dev');
    expect(roleArn('aws', '123456789012', '', 'Dev')).toBe('arn:aws:iam::123456789012:role/Dev');
    expect(oidcProviderArn('aws', '123456789012', 'token.example.com/tenant1')).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.example.com/tenant1',
    );
  });
});

describe('parseArn', () => {
  it('splits the six parts, keeping colons inside the resource', () => {
    expect(parseArn('arn:aws:iam::123456789012:role/S3Access')).toEqual({
      partition: 'aws',
      service: 'iam',
      region: '',
      account: '123456789012',
      resource: 'role/S3Access',
    });
    expect(parseArn('arn:aws:logs:eu-west-1:123456789012:log-group:/app:*')?.resource).toBe('log-group:/app:*');
    expect(parseArn('arn:aws:s3:::bucket/key')?.account).toBe('');
    expect(parseArn('arn:aws:iam::aws:policy/AmazonEC2FullAccess')?.account).toBe('aws');
    expect(parseArn('arn:aws-us-gov:sts::123456789012:assumed-role/R/s')?.partition).toBe('aws-us-gov');
  });

  it.each([
    ['not an ARN', 'role/S3Access'],
    ['too few parts', 'arn:aws:iam::123456789012'],
    ['empty resource', 'arn:aws:iam::123456789012:'],
    ['unknown partition', 'arn:azure:iam::123456789012:role/x'],
    ['empty service', 'arn:aws:::123456789012:role/x'],
    ['hyphenated account', 'arn:aws:iam::1234-5678-9012:role/x'],
    ['short account', 'arn:aws:iam::12345:role/x'],
    ['white space', 'arn:aws:iam::123456789012:role/a b'],
    ['upper-case ARN prefix', 'ARN:aws:iam::123456789012:role/x'],
  ])('refuses %s', (_name, text) => {
    expect(parseArn(text)).toBeNull();
  });

  it('refuses absurdly long input', () => {
    expect(parseArn(`arn:aws:iam::123456789012:role/${'a'.repeat(3000)}`)).toBeNull();
  });
});

describe('parseRoleArn', () => {
  it('splits path and name', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/S3Access')).toEqual({ partition: 'aws', account: '123456789012', path: '/', name: 'S3Access' });
    expect(parseRoleArn('arn:aws:iam::123456789012:role/team/a/Dev+Ops=1,x.y@z-w')).toEqual({
      partition: 'aws',
      account: '123456789012',
      path: '/team/a/',
      name: 'Dev+Ops=1,x.y@z-w',
    });
  });

  it.each([
    'arn:aws:iam::123456789012:user/Bob',
    'arn:aws:sts::123456789012:role/x',
    'arn:aws:iam:eu-west-1:123456789012:role/x',
    'arn:aws:iam::aws:role/x',
    'arn:aws:iam::123456789012:role/',
    'arn:aws:iam::123456789012:role/team/',
    'arn:aws:iam::123456789012:role/bad*name',
    `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`,
    'arn:aws:iam::123456789012:root',
  ])('refuses %s', (text) => {
    expect(parseRoleArn(text)).toBeNull();
  });

  it('round-trips with roleArn', () => {
    const arn = roleArn('aws', '123456789012', '/x/y/', 'Z');
    const parsed = parseRoleArn(arn)!;
    expect(roleArn(parsed.partition, parsed.account, parsed.path, parsed.name)).toBe(arn);
  });
});
