import { describe, expect, it } from 'vitest';
import { serializeScrubbed } from '../../src/audit/event.js';

describe('serializeScrubbed', () => {
  it('leaves an event without secrets exactly as JSON.stringify writes it', () => {
    const event = { eventName: 'AssumeRole', requestParameters: { roleArn: 'arn:aws:iam::123456789012:role/R' }, responseElements: { credentials: { accessKeyId: 'ASIA' } } };
    expect(serializeScrubbed(event)).toBe(JSON.stringify(event));
  });

  it('removes secret members at any depth and in any case', () => {
    const json = serializeScrubbed({
      eventName: 'X',
      responseElements: { credentials: { accessKeyId: 'ASIA1', SecretAccessKey: 'abc', sessionToken: 'tok' } },
      requestParameters: { list: [{ TokenCode: '123456' }], webIdentityToken: 'jwt' },
    });
    expect(json).not.toMatch(/abc|tok|123456|jwt/);
    expect(JSON.parse(json)).toEqual({ eventName: 'X', responseElements: { credentials: { accessKeyId: 'ASIA1' } }, requestParameters: { list: [{}] } });
  });

  it('does not mistake a value that merely mentions a secret key name for a member', () => {
    const event = { errorMessage: 'missing "sessionToken" parameter' };
    expect(JSON.parse(serializeScrubbed(event))).toEqual(event);
  });
});
