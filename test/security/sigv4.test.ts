/**
 * security.md "STS parameters and signatures": every SigV4 and session-token failure mode gets its
 * AWS error, never a Caller. Requests are signed by @smithy/signature-v4 (an independent signer).
 */
import { describe, expect, it } from 'vitest';
import { ExpiredToken, IncompleteSignature, InvalidClientTokenId, SignatureDoesNotMatch } from '../../src/errors.js';
import type { AwsError } from '../../src/errors.js';
import { CallerResolver } from '../../src/federation/sigv4/callers.js';
import type { SigV4Request } from '../../src/federation/sigv4/parse.js';
import { sealSessionToken } from '../../src/credentials/sessionToken.js';
import type { SessionClaims } from '../../src/credentials/types.js';
import type { KeyRing } from '../../src/keys/keyRing.js';
import {
  ACCOUNT,
  ephemeralRing,
  PARTITION,
  presignRequest,
  roleSessionClaims,
  signRequest,
  USER_KEY,
  withHeaders,
} from '../federation/sigv4/helpers.js';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

const ring = ephemeralRing();
const SIGNED_AT = new Date(Date.UTC(2026, 10, 22, 10, 21, 56));
const T0 = SIGNED_AT.getTime();

function resolverAt(now: number, options: { revoked?: (c: SessionClaims) => boolean; keyRing?: KeyRing } = {}): CallerResolver {
  return new CallerResolver({
    keyRing: options.keyRing ?? ring,
    account: ACCOUNT,
    partition: PARTITION,
    longTermKeys: (id) => (id === USER_KEY.accessKeyId ? USER_KEY : undefined),
    sessionValid: (c) => !(options.revoked ?? (() => false))(c),
    now: () => now,
  });
}

/** The AwsError thrown by authenticate (failing the test if it returns a Caller). */
function refusal(request: SigV4Request, resolver: CallerResolver = resolverAt(T0)): AwsError {
  try {
    const caller = resolver.authenticate(request);
    throw new Error(`expected a refusal, got caller ${caller.arn}`);
  } catch (e) {
    return e as AwsError;
  }
}

function sessionCredentials(claims: SessionClaims, keyRing: KeyRing = ring) {
  return { accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(keyRing, claims) };
}

const claimsAtT0 = (overrides: Partial<SessionClaims> = {}) => roleSessionClaims(overrides, T0);

describe('security: SigV4 signatures', () => {
  it('wrong secret → SignatureDoesNotMatch', async () => {
    const request = await signRequest({ accessKeyId: USER_KEY.accessKeyId, secretAccessKey: 'x'.repeat(40) }, {}, { signingDate: SIGNED_AT });
    const error = refusal(request);
    expect(error).toBeInstanceOf(SignatureDoesNotMatch);
    expect(error.message).toBe(MISMATCH);
  });

  it('altered body → SignatureDoesNotMatch', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT });
    const altered = { ...request, body: Buffer.from('Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600') };
    expect(refusal(altered)).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('altered body with a (signed) x-amz-content-sha256 → SignatureDoesNotMatch', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT, applyChecksum: true });
    expect(refusal({ ...request, body: Buffer.from('Action=GetSessionToken&Version=2011-06-15') })).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('altered signed header → SignatureDoesNotMatch', async () => {
    const request = await signRequest(USER_KEY, { headers: { 'x-amz-meta-tenant': 'blue' } }, { signingDate: SIGNED_AT });
    expect(refusal(withHeaders(request, { 'x-amz-meta-tenant': 'red' }))).toBeInstanceOf(SignatureDoesNotMatch);
    expect(refusal(withHeaders(request, { host: 'evil.example' }))).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('altered path or query → SignatureDoesNotMatch', async () => {
    const request = await signRequest(USER_KEY, { method: 'GET', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' } }, { signingDate: SIGNED_AT });
    expect(refusal({ ...request, path: '/other' })).toBeInstanceOf(SignatureDoesNotMatch);
    const query = new URLSearchParams(request.query);
    query.set('Action', 'GetSessionToken');
    expect(refusal({ ...request, query })).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('signature replayed under another (unknown) access key id → InvalidClientTokenId', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT });
    const forged = String(request.headers['authorization']).replace(USER_KEY.accessKeyId, 'AKIAOTHERUSER0000000');
    expect(refusal(withHeaders(request, { authorization: forged }))).toBeInstanceOf(InvalidClientTokenId);
  });

  it('unsigned host → IncompleteSignature', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT, unsignableHeaders: ['host'] });
    expect(String(request.headers['authorization'])).not.toMatch(/SignedHeaders=[^,]*host/);
    const error = refusal(request);
    expect(error).toBeInstanceOf(IncompleteSignature);
    expect(error.message).toBe("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('X-Amz-Date more than 15 minutes in the past → SignatureDoesNotMatch "Signature expired"', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT });
    const error = refusal(request, resolverAt(T0 + 30 * 60_000));
    expect(error).toBeInstanceOf(SignatureDoesNotMatch);
    expect(error.message).toBe('Signature expired: 20261122T102156Z is now earlier than 20261122T103656Z (20261122T105156Z - 15 min.)');
  });

  it('X-Amz-Date more than 15 minutes in the future → SignatureDoesNotMatch "Signature not yet current"', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT });
    const error = refusal(request, resolverAt(T0 - 16 * 60_000));
    expect(error).toBeInstanceOf(SignatureDoesNotMatch);
    expect(error.message).toBe('Signature not yet current: 20261122T102156Z is still later than 20261122T102056Z (20261122T100556Z + 15 min.)');
  });

  it('X-Amz-Date exactly 15 minutes off either way is still accepted', async () => {
    const request = await signRequest(USER_KEY, {}, { signingDate: SIGNED_AT });
    expect(resolverAt(T0 + 15 * 60_000).authenticate(request).userName).toBe('portal');
    expect(resolverAt(T0 - 15 * 60_000).authenticate(request).userName).toBe('portal');
  });

  it('presigned URL past its X-Amz-Expires → SignatureDoesNotMatch "Signature expired"', async () => {
    const request = await presignRequest(USER_KEY, {}, { signingDate: SIGNED_AT, expiresIn: 60 });
    expect(resolverAt(T0 + 60_000).authenticate(request).userName).toBe('portal');
    const error = refusal(request, resolverAt(T0 + 61_000));
    expect(error).toBeInstanceOf(SignatureDoesNotMatch);
    expect(error.message).toBe('Signature expired: 20261122T102156Z is now earlier than 20261122T102157Z (20261122T102257Z - 60 sec.)');
  });

  it('presigned URL with a long X-Amz-Expires still dies after 15 minutes (as STS does)', async () => {
    const request = await presignRequest(USER_KEY, {}, { signingDate: SIGNED_AT, expiresIn: 86_400 });
    expect(refusal(request, resolverAt(T0 + 16 * 60_000))).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('presigned URL with an altered X-Amz-Expires → SignatureDoesNotMatch', async () => {
    const request = await presignRequest(USER_KEY, {}, { signingDate: SIGNED_AT, expiresIn: 60 });
    const query = new URLSearchParams(request.query);
    query.set('X-Amz-Expires', '900');
    expect(refusal({ ...request, query }, resolverAt(T0 + 120_000))).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('error messages never echo the secret or the session token', async () => {
    const credentials = sessionCredentials(claimsAtT0());
    const request = await signRequest({ ...credentials, secretAccessKey: 'y'.repeat(40) }, {}, { signingDate: SIGNED_AT });
    const error = refusal(request);
    expect(error).toBeInstanceOf(SignatureDoesNotMatch);
    expect(error.message).not.toContain(credentials.secretAccessKey);
    expect(error.message).not.toContain(credentials.sessionToken.slice(0, 24));
  });
});

describe('security: session tokens', () => {
  it('tampered session token → InvalidClientTokenId', async () => {
    const credentials = sessionCredentials(claimsAtT0());
    const bytes = Buffer.from(credentials.sessionToken, 'base64');
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0x01;
    const request = await signRequest({ ...credentials, sessionToken: bytes.toString('base64') }, {}, { signingDate: SIGNED_AT });
    const error = refusal(request);
    expect(error).toBeInstanceOf(InvalidClientTokenId);
    expect(error.message).toBe(INVALID_TOKEN);
  });

  it('session token that is not base64 at all → InvalidClientTokenId', async () => {
    const credentials = sessionCredentials(claimsAtT0());
    const request = await signRequest({ ...credentials, sessionToken: 'not a token!' }, {}, { signingDate: SIGNED_AT });
    expect(refusal(request)).toBeInstanceOf(InvalidClientTokenId);
  });

  it('expired session token → ExpiredTokenException', async () => {
    const claims = claimsAtT0({ issuedAt: T0 / 1000 - 3600, expiresAt: T0 / 1000 - 1 });
    const request = await signRequest(sessionCredentials(claims), {}, { signingDate: SIGNED_AT });
    const error = refusal(request);
    expect(error).toBeInstanceOf(ExpiredToken);
    expect(error.code).toBe('ExpiredTokenException');
    expect(error.message).toBe('The security token included in the request is expired');
  });

  it('session token sealed with an unknown (removed) key → InvalidClientTokenId', async () => {
    const otherRing = ephemeralRing();
    const request = await signRequest(sessionCredentials(claimsAtT0(), otherRing), {}, { signingDate: SIGNED_AT });
    expect(refusal(request)).toBeInstanceOf(InvalidClientTokenId);
  });

  it('access key id of the signature differs from the one in the token → InvalidClientTokenId', async () => {
    const victim = sessionCredentials(claimsAtT0());
    const attacker = claimsAtT0({ accessKeyId: 'ASIAATTACKER00000000', secretAccessKey: 'a'.repeat(40) });
    // The attacker signs with their own key id and secret but presents the victim's token.
    const request = await signRequest({ accessKeyId: attacker.accessKeyId, secretAccessKey: attacker.secretAccessKey, sessionToken: victim.sessionToken }, {}, { signingDate: SIGNED_AT });
    expect(refusal(request)).toBeInstanceOf(InvalidClientTokenId);
    // …or the victim's key id with a guessed secret: the signature fails.
    const guessed = await signRequest({ ...victim, secretAccessKey: 'b'.repeat(40) }, {}, { signingDate: SIGNED_AT });
    expect(refusal(guessed)).toBeInstanceOf(SignatureDoesNotMatch);
  });

  it('temporary access key id without its session token → InvalidClientTokenId', async () => {
    const claims = claimsAtT0();
    const request = await signRequest({ accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey }, {}, { signingDate: SIGNED_AT });
    expect(refusal(request)).toBeInstanceOf(InvalidClientTokenId);
  });

  it('revoked session → InvalidClientTokenId', async () => {
    const claims = claimsAtT0();
    const request = await signRequest(sessionCredentials(claims), {}, { signingDate: SIGNED_AT });
    const resolver = resolverAt(T0, { revoked: (c) => c.accessKeyId === claims.accessKeyId });
    const error = refusal(request, resolver);
    expect(error).toBeInstanceOf(InvalidClientTokenId);
    expect(error.message).toBe(INVALID_TOKEN);
    // The same request is fine while not revoked: the refusal is the revocation's doing.
    expect(resolverAt(T0).authenticate(request).kind).toBe('AssumedRole');
  });
});
