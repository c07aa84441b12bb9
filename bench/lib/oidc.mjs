/**
 * OIDC fixtures: an RS256 signing key, its JWKS (written to a file for the broker's `jwksFile` and the
 * jose baseline), ID tokens minted with jose, and a tiny JWKS server (for the `jwksUri` fetch check)
 * that counts how often it is asked.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export async function createOidcKey(kid = 'bench-rs256') {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, jwks: { keys: [jwk] } };
}

export function writeJwks(key, file) {
  writeFileSync(file, JSON.stringify(key.jwks));
  return file;
}

/**
 * `count` distinct ID tokens (sub/jti differ), valid for `lifetimeS`. Claims: iss, aud, sub, iat, exp,
 * jti, email, groups — a typical ID token (~800 characters).
 */
export async function mintTokens(key, { issuer, audience, count, lifetimeS = 3600, groups = ['developers', 'everyone'] }) {
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ email: `user${i}@example.com`, email_verified: true, groups, amr: ['pwd'] })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(`user-${i}`)
        .setJti(`${now}-${i}`)
        .setIssuedAt(now - 5)
        .setExpirationTime(now + lifetimeS)
        .sign(key.privateKey),
    );
  }
  return tokens;
}

/** Serves the JWKS (and optionally SAML metadata) on loopback; `hits` counts requests per path. */
export function startFixtureServer(routes) {
  const hits = {};
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits[path] = (hits[path] ?? 0) + 1;
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'cache-control': 'max-age=3600' }).end(route.body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, hits, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
