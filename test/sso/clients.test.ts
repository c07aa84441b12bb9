import { describe, expect, it } from 'vitest';
import { authenticateClient, isLoopbackRedirectUri, openClientId, redirectUriAllowed, registerClient } from '../../src/sso/clients.js';
import { NOW, ring } from './fixtures.js';

describe('client registration (sealed, not stored)', () => {
  const keyRing = ring();

  it('round-trips the registration through the client id; the secret authenticates only its own id', () => {
    const r = registerClient(keyRing, { clientName: 'botocore-client-dev', clientType: 'public', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'] }, NOW);
    const client = authenticateClient(keyRing, r.clientId, r.clientSecret, NOW + 1000);
    expect(client).toMatchObject({ name: 'botocore-client-dev', scopes: ['sso:account:access'], grantTypes: ['refresh_token', 'authorization_code'], redirectUris: ['http://127.0.0.1/oauth/callback'] });
    const other = registerClient(keyRing, { clientName: 'x', clientType: 'public' }, NOW);
    expect(() => authenticateClient(keyRing, r.clientId, other.clientSecret, NOW)).toThrow(expect.objectContaining({ code: 'InvalidClientException' }));
    expect(() => authenticateClient(ring(), r.clientId, r.clientSecret, NOW)).toThrow(expect.objectContaining({ code: 'InvalidClientException' }));
    // A character in the middle (the last one may only carry padding bits).
    const middle = Math.floor(r.clientId.length / 2);
    const tampered = `${r.clientId.slice(0, middle)}${r.clientId[middle] === 'A' ? 'B' : 'A'}${r.clientId.slice(middle + 1)}`;
    expect(openClientId(keyRing, tampered, NOW)).toBeUndefined();
  });

  it('expires after 90 days', () => {
    const r = registerClient(keyRing, { clientName: 'c', clientType: 'public' }, NOW);
    const later = NOW + 90 * 86_400_000;
    expect(() => authenticateClient(keyRing, r.clientId, r.clientSecret, later)).toThrow(/expired/);
    expect(openClientId(keyRing, r.clientId, later)).toBeUndefined();
  });

  it('accepts only public clients, known scopes and grants, loopback http redirect URIs', () => {
    const reg = (input: object) => () => registerClient(keyRing, { clientName: 'c', clientType: 'public', ...input }, NOW);
    expect(reg({ clientType: 'confidential' })).toThrow(expect.objectContaining({ code: 'InvalidClientMetadataException' }));
    expect(reg({ scopes: ['sso:account:access', 'admin'] })).toThrow(expect.objectContaining({ code: 'InvalidScopeException' }));
    expect(reg({ grantTypes: ['implicit'] })).toThrow(expect.objectContaining({ code: 'InvalidClientMetadataException' }));
    expect(reg({ redirectUris: ['https://evil.example/cb'] })).toThrow(expect.objectContaining({ code: 'InvalidRedirectUriException' }));
  });

  it('loopback redirect URIs match registered ones whatever the port (RFC 8252), nothing else does', () => {
    expect(isLoopbackRedirectUri('http://127.0.0.1/oauth/callback')).toBe(true);
    expect(isLoopbackRedirectUri('http://[::1]:5000/cb')).toBe(true);
    for (const bad of ['https://127.0.0.1/cb', 'http://127.0.0.1.evil.net/cb', 'http://user@127.0.0.1/cb', 'http://10.0.0.1/cb', 'http://127.0.0.1/cb#x', 'javascript:alert(1)']) {
      expect(isLoopbackRedirectUri(bad), bad).toBe(false);
    }
    const r = registerClient(keyRing, { clientName: 'c', clientType: 'public', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/oauth/callback'] }, NOW);
    const client = openClientId(keyRing, r.clientId, NOW)!;
    expect(redirectUriAllowed(client, 'http://127.0.0.1:54321/oauth/callback')).toBe(true);
    expect(redirectUriAllowed(client, 'http://127.0.0.1:54321/other')).toBe(false);
    expect(redirectUriAllowed(client, 'http://localhost:54321/oauth/callback')).toBe(false);
    expect(redirectUriAllowed(client, 'http://127.0.0.1:54321/oauth/callback?x=1')).toBe(false);
  });
});
