/**
 * The mapping of upstream failures (upstream/errors.ts): every AWS code or transport failure → the
 * error fedbroker answers, never a 500; nothing key-shaped survives into what is logged.
 */
import { describe, expect, it } from 'vitest';
import { describeFailure, mapStsFailure, redact } from '../../src/upstream/errors.js';

const ctx = { roleArn: 'arn:aws:iam::111122223333:role/fedbroker-ProdAdmin', endpoint: 'https://sts.us-east-1.amazonaws.com', region: 'us-east-1', timeoutMs: 5000 };

describe('mapStsFailure', () => {
  it.each([
    [{ code: 'AccessDenied', httpStatus: 403, message: 'User: arn:aws:iam::111122223333:user/broker is not authorized' }, 'AccessDenied', 403],
    [{ code: 'Throttling', httpStatus: 400, message: 'Rate exceeded' }, 'Throttling', 400],
    [{ code: 'RegionDisabledException', httpStatus: 403, message: 'STS is not activated' }, 'ServiceUnavailable', 503],
    [{ code: 'TimeoutError', message: 'socket timeout' }, 'ServiceUnavailable', 503],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'ServiceUnavailable', 503],
    [{ code: 'InternalFailure', httpStatus: 500, message: 'oops' }, 'ServiceUnavailable', 503],
    [{ code: 'ServiceUnavailable', httpStatus: 503, message: '' }, 'ServiceUnavailable', 503],
    [{ code: 'InvalidClientTokenId', httpStatus: 403, message: 'The security token included in the request is invalid.' }, 'ServiceUnavailable', 503],
    [{ code: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, 'ServiceUnavailable', 503],
    [{ code: 'MalformedPolicyDocumentException', httpStatus: 400, message: 'bad' }, 'MalformedPolicyDocument', 400],
    [{ code: 'PackedPolicyTooLarge', httpStatus: 400, message: 'too large' }, 'PackedPolicyTooLarge', 400],
    [{ code: 'ValidationError', httpStatus: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' }, 'ValidationError', 400],
    [{ code: 'SomethingNew', httpStatus: 400, message: '?' }, 'ServiceUnavailable', 503],
  ])('%o → %s', (failure, code, status) => {
    const e = mapStsFailure(failure, ctx);
    expect(e.code).toBe(code);
    expect(e.httpStatus).toBe(status);
  });

  it('AccessDenied names the AWS role and its trust policy, not AWS’s message (the broker’s identity)', () => {
    const e = mapStsFailure({ code: 'AccessDenied', message: 'User: arn:aws:iam::111122223333:user/broker is not authorized' }, ctx);
    expect(e.message).toContain(ctx.roleArn);
    expect(e.message).toContain('trust policy must allow');
    expect(e.message).not.toContain('user/broker');
  });

  it('our own timer running out is a timeout whatever the error looked like', () => {
    expect(mapStsFailure({ code: 'AbortError', message: '' }, { ...ctx, timedOut: true }).message).toContain('within 5000 ms');
  });
});

describe('describeFailure and redact', () => {
  it('reads AWS SDK errors (name, $metadata) and Node network errors (code on the error or its cause)', () => {
    expect(describeFailure(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400, requestId: 'r-1' } }))).toEqual({
      code: 'Throttling',
      httpStatus: 400,
      requestId: 'r-1',
      message: 'Rate exceeded',
    });
    expect(describeFailure(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })).code).toBe('ECONNRESET');
  });

  it('removes access key ids and anything shaped like a secret or a token', () => {
    const text = redact('key AKIAUPSTREAMBROKER01 secret upstreamBrokerSecret/0123456789abcdefghi token IQoJb3JpZ2luX2VjEFcaCXVzLWVhc3QtMSJHMEUCIQ');
    expect(text).not.toContain('UPSTREAMBROKER01');
    expect(text).not.toContain('upstreamBrokerSecret');
    expect(text).not.toContain('IQoJb3JpZ2luX2VjEFcaCXVz');
  });
});
