import { describe, expect, it } from 'vitest';
import { InvalidClientTokenId, MissingAuthenticationToken } from '../../../src/errors.js';
import { CallerResolver, OpenedTokenCache } from '../../../src/federation/sigv4/callers.js';
import { sealSessionToken } from '../../../src/credentials/sessionToken.js';
import type { SessionClaims } from '../../../src/credentials/types.js';
import { ACCOUNT, ephemeralRing, PARTITION, presignRequest, roleSessionClaims, signRequest, USER_KEY } from './helpers.js';

const ring = ephemeralRing();

function resolver(revoked: (c: SessionClaims) => boolean = () => false): CallerResolver {
  return new CallerResolver({
    keyRing: ring,
    account: ACCOUNT,
    partition: PARTITION,
    longTermKeys: (id) => (id === USER_KEY.accessKeyId ? USER_KEY : undefined),
    sessionValid: (c) => !revoked(c),
  });
}

async function signedWith(claims: SessionClaims) {
  return signRequest({ accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(ring, claims) });
}

describe('CallerResolver', () => {
  it('authenticates an IAM user with long-term keys', async () => {
    const caller = resolver().authenticate(await signRequest(USER_KEY));
    expect(caller).toEqual({
      kind: 'User',
      account: ACCOUNT,
      partition: PARTITION,
      arn: `arn:aws:iam::${ACCOUNT}:user/portal`,
      userId: USER_KEY.userId,
      userName: 'portal',
      accessKeyId: USER_KEY.accessKeyId,
      // aws:RequestedRegion comes from the signature's credential scope.
      region: 'eu-west-1',
    });
  });

  it('authenticates a role session (assumed-role ARN without the role path, AROA…:session)', async () => {
    const claims = roleSessionClaims();
    const caller = resolver().authenticate(await signedWith(claims));
    expect(caller.kind).toBe('AssumedRole');
    expect(caller.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice@example.com`);
    expect(caller.userId).toBe('AROA3XFRBF23VHKWA7BFQ:alice@example.com');
    expect(caller.userName).toBeUndefined();
    expect(caller.accessKeyId).toBe(claims.accessKeyId);
    expect(caller.session).toEqual(claims);
  });

  it('authenticates a federated user (GetFederationToken)', async () => {
    const claims = roleSessionClaims({
      issuer: 'GetFederationToken',
      principal: { kind: 'FederatedUser', name: 'Bob', userName: 'portal', userId: USER_KEY.userId },
      federated: undefined,
      context: undefined,
    });
    const caller = resolver().authenticate(await signedWith(claims));
    expect(caller).toMatchObject({ kind: 'FederatedUser', arn: `arn:aws:sts::${ACCOUNT}:federated-user/Bob`, userId: `${ACCOUNT}:Bob` });
    expect(caller.userName).toBeUndefined();
  });

  it('authenticates GetSessionToken credentials as the user itself, with the session', async () => {
    const claims = roleSessionClaims({
      issuer: 'GetSessionToken',
      principal: { kind: 'User', userName: 'portal', userId: USER_KEY.userId },
      mfa: { authenticatedAt: Math.floor(Date.now() / 1000) - 10, serial: `arn:aws:iam::${ACCOUNT}:mfa/portal` },
    });
    const caller = resolver().authenticate(await signedWith(claims));
    expect(caller).toMatchObject({ kind: 'User', arn: `arn:aws:iam::${ACCOUNT}:user/portal`, userId: USER_KEY.userId, userName: 'portal' });
    expect(caller.session?.mfa?.serial).toBe(`arn:aws:iam::${ACCOUNT}:mfa/portal`);
  });

  it('authenticates a presigned GetCallerIdentity with temporary credentials', async () => {
    const claims = roleSessionClaims();
    const request = await presignRequest({ accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey, sessionToken: sealSessionToken(ring, claims) });
    expect(resolver().authenticate(request).arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Developer/alice@example.com`);
  });

  it('reports the credential scope of the signature', async () => {
    const signed = resolver().authenticateSigned(await signRequest(USER_KEY, {}, { region: 'ap-south-1', service: 'iam' }));
    expect(signed).toMatchObject({ region: 'ap-south-1', service: 'iam', form: 'header' });
    expect(signed.caller.userName).toBe('portal');
    const presigned = resolver().authenticateSigned(await presignRequest(USER_KEY, {}, { region: 'eu-north-1' }));
    expect(presigned).toMatchObject({ region: 'eu-north-1', service: 'sts', form: 'query' });
  });

  it('answers MissingAuthenticationToken for an unsigned request', () => {
    const request = { method: 'POST', path: '/', query: new URLSearchParams(), headers: { host: 'x' }, body: Buffer.from('Action=GetCallerIdentity') };
    expect(() => resolver().authenticate(request)).toThrow(MissingAuthenticationToken);
    expect(() => resolver().authenticate(request)).toThrow('Request is missing Authentication Token');
  });

  it('answers InvalidClientTokenId for an unknown access key', async () => {
    const request = await signRequest({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: USER_KEY.secretAccessKey });
    expect(() => resolver().authenticate(request)).toThrow(new InvalidClientTokenId('The security token included in the request is invalid.'));
  });

  it('answers InvalidClientTokenId for a temporary access key without its session token', async () => {
    const claims = roleSessionClaims();
    const request = await signRequest({ accessKeyId: claims.accessKeyId, secretAccessKey: claims.secretAccessKey });
    expect(() => resolver().authenticate(request)).toThrow(InvalidClientTokenId);
  });

  it('passes the opened claims to sessionValid', async () => {
    const seen: SessionClaims[] = [];
    const claims = roleSessionClaims();
    resolver((c) => {
      seen.push(c);
      return false;
    }).authenticate(await signedWith(claims));
    expect(seen).toEqual([claims]);
  });

  it('uses the injected clock', async () => {
    const signingDate = new Date(Date.UTC(2026, 10, 22, 10, 21, 56));
    const request = await signRequest(USER_KEY, {}, { signingDate });
    const fixed = new CallerResolver({
      keyRing: ring,
      account: ACCOUNT,
      partition: PARTITION,
      longTermKeys: () => USER_KEY,
      sessionValid: () => true,
      now: () => signingDate.getTime() + 60_000,
    });
    expect(fixed.authenticate(request).userName).toBe('portal');
  });
});

describe('OpenedTokenCache', () => {
  it('a session token sharing a cached token\'s tail (its cache key) but not its content is refused, never a hit', () => {
    const cache = new OpenedTokenCache(ring);
    const claims = roleSessionClaims();
    const token = sealSessionToken(ring, claims);
    expect(cache.open(token, Date.now()).accessKeyId).toBe(claims.accessKeyId);
    const i = Math.floor(token.length / 2);
    const forged = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    expect(() => cache.open(forged, Date.now())).toThrow(InvalidClientTokenId);
    expect(() => cache.openAnyTime(forged)).toThrow(InvalidClientTokenId);
    expect(cache.openAnyTime(token).accessKeyId).toBe(claims.accessKeyId);
  });
});
