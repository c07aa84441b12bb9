import { describe, expect, it } from 'vitest';
import { actionMatches } from '../../../src/policy/index.js';

describe('actionMatches (G17404)', () => {
  it('is case-insensitive in prefix and name', () => {
    expect(actionMatches('iam:ListAccessKeys', 'IAM:listaccesskeys')).toBe(true);
    expect(actionMatches('SQS:SendMessage', 'sqs:sendmessage')).toBe(true);
  });

  it('supports * and ? anywhere', () => {
    expect(actionMatches('iam:*AccessKey*', 'iam:CreateAccessKey')).toBe(true);
    expect(actionMatches('iam:*AccessKey*', 'iam:ListAccessKeys')).toBe(true);
    expect(actionMatches('iam:*AccessKey*', 'iam:ListUsers')).toBe(false);
    expect(actionMatches('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(actionMatches('*', 'anything:AtAll')).toBe(true);
    expect(actionMatches('s3:*', 'sqs:SendMessage')).toBe(false);
  });
});
