import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PackedPolicyTooLarge, ValidationError } from '../../src/errors.js';
import { packedPolicySize } from '../../src/credentials/packedPolicy.js';

const tiny = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

/** ~`chars` characters of realistic policy: distinct buckets and keys, repeated structure. */
function typicalPolicy(chars: number): string {
  const actions = ['s3:GetObject', 's3:PutObject', 'dynamodb:Query', 'sqs:SendMessage', 'kms:Decrypt', 'logs:PutLogEvents'];
  const statements: object[] = [];
  for (let i = 0; ; i++) {
    const id = randomBytes(4).toString('hex');
    const statement = {
      Sid: `Allow${id}`,
      Effect: 'Allow',
      Action: [actions[i % actions.length], actions[(i + 2) % actions.length]],
      Resource: [`arn:aws:s3:::team-${id}-artifacts/*`, `arn:aws:kms:eu-west-1:123456789012:key/${randomUUID()}`],
    };
    if (JSON.stringify({ Version: '2012-10-17', Statement: [...statements, statement] }).length > chars) break;
    statements.push(statement);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function incompressiblePolicy(chars: number): string {
  const head = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::';
  const tail = '"}]}';
  return head + randomBytes(chars).toString('base64').replace(/[+/=]/g, 'x').slice(0, chars - head.length - tail.length) + tail;
}

describe('packedPolicySize', () => {
  it('is undefined without any session policy', () => {
    expect(packedPolicySize(undefined, [])).toBeUndefined();
  });

  it('gives a small percentage for a tiny policy, and ignores white space', () => {
    const size = packedPolicySize(tiny, [])!;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(15);
    expect(packedPolicySize(JSON.stringify(JSON.parse(tiny), null, 4), [])).toBe(size);
  });

  it('counts managed policy ARNs', () => {
    const arns = ['arn:aws:iam::123456789012:policy/ReadOnly', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'];
    expect(packedPolicySize(undefined, arns)).toBeGreaterThan(0);
    expect(packedPolicySize(tiny, arns)!).toBeGreaterThan(packedPolicySize(tiny, [])!);
  });

  it('fits a 2048-character policy of typical shape', () => {
    const policy = typicalPolicy(2048);
    expect(policy.length).toBeGreaterThan(1800);
    const size = packedPolicySize(policy, [])!;
    expect(size).toBeGreaterThan(20);
    expect(size).toBeLessThanOrEqual(100);
  });

  it('refuses a large incompressible policy with the AWS message', () => {
    const policy = incompressiblePolicy(2000);
    expect(() => packedPolicySize(policy, [])).toThrow(PackedPolicyTooLarge);
    expect(() => packedPolicySize(policy, [])).toThrow(/^The packed policy consumes \d+% of allotted space, please use a smaller policy$/);
  });

  it('enforces the 2048-character plaintext rule over inline and managed policies', () => {
    expect(() => packedPolicySize(`${tiny}${' '.repeat(2049 - tiny.length)}`, [])).toThrow(ValidationError);
    const arns = Array.from({ length: 10 }, (_, i) => `arn:aws:iam::123456789012:policy/team/${'p'.repeat(200)}${i}`);
    expect(() => packedPolicySize(tiny, arns)).toThrow(PackedPolicyTooLarge);
    expect(() => packedPolicySize(tiny, [], 2000)).toThrow(/plaintext/);
  });

  it('allows at most 10 policy ARNs', () => {
    const arns = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:policy/P${i}`);
    expect(() => packedPolicySize(undefined, arns)).toThrow(ValidationError);
    expect(packedPolicySize(undefined, arns.slice(0, 10))).toBeGreaterThan(0);
  });
});
