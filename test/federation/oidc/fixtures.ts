/** Shared builders for the OIDC unit tests. */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet } from 'jose';
import type { JSONWebKeySet } from 'jose';
import type { OidcProviderSettings } from '../../../src/federation/oidc/providerSettings.js';
import { oidcProviderName, SAFE_ALGORITHMS } from '../../../src/federation/oidc/providerSettings.js';
import type { TrustedOidcProvider } from '../../../src/federation/oidc/types.js';

export const ACCOUNT = '123456789012';
export const ISSUER = 'https://idp.example.com';

/** A trusted provider as OidcFederation prepares it, with keys from a local key set. */
export function trustedProvider(overrides: Partial<TrustedOidcProvider> & { jwks?: JSONWebKeySet } = {}): TrustedOidcProvider {
  const { jwks, ...rest } = overrides;
  const local = jwks === undefined ? undefined : createLocalJWKSet(jwks);
  return {
    name: 'idp.example.com',
    arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/idp.example.com`,
    issuer: ISSUER,
    issuers: [ISSUER, `${ISSUER}/`],
    clientIds: new Set(['test-app', 'other-app']),
    mfaAmr: new Set(['mfa', 'otp', 'hwk']),
    algorithms: SAFE_ALGORITHMS,
    clockSkewSeconds: 60,
    getKey: async (header, token) => {
      if (local === undefined) throw new Error('no keys in this fixture');
      return local(header, token);
    },
    ...rest,
  };
}

export function providerSettings(overrides: Partial<OidcProviderSettings> = {}): OidcProviderSettings {
  return { name: 'idp.example.com', issuer: ISSUER, clientIds: ['test-app'], mfaAmr: ['mfa'], enabled: true, ...overrides };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A throwaway HTTP server on 127.0.0.1 for hostile key-set endpoints. */
export async function startHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; requests: () => number; stop: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Settings for a test OpenID provider, named as AWS would name it (`127.0.0.1:<port>`). */
export function settingsFor(issuer: string, overrides: Partial<OidcProviderSettings> = {}): OidcProviderSettings {
  return {
    name: oidcProviderName(issuer, overrides.name),
    issuer,
    clientIds: ['test-app'],
    mfaAmr: ['mfa', 'otp', 'hwk'],
    enabled: true,
    ...overrides,
  };
}
