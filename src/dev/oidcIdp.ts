/**
 * The development OpenID provider, served under /dev/oidc when devIdentityProviders is true: demo
 * users, real RS256 ID tokens signed with a key kept in `keys.dir/dev/`, a discovery document and a
 * JWKS. The broker registers it as an ordinary OIDC provider and verifies its tokens like any other.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { escapeHtml, layout, raw } from '../http/html.js';
import { DEMO_USERS, findDemoUser, type DemoUser } from './demoUsers.js';

export { DEV_OIDC_PROVIDER_NAME } from './providerNames.js';
export const DEV_OIDC_CLIENT_ID = 'fedbroker-dev';
export const DEV_OIDC_PATH = '/dev/oidc';

export interface DevOidcIdp {
  readonly issuer: string;
  /** File with the public JWKS, for the broker's provider entry (jwksFile). */
  readonly jwksFile: string;
  readonly router: Router;
  issueIdToken(user: DemoUser, options?: { clientId?: string; lifetimeSeconds?: number }): Promise<string>;
}

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

async function loadOrCreateSigningKey(dir: string): Promise<StoredKey> {
  const file = join(dir, 'oidc-signing.jwk.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const stored: StoredKey = { kid: randomUUID().slice(0, 8), privateJwk: await exportJWK(privateKey) };
  writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

export async function createDevOidcIdp(options: { publicUrl: string; keysDir: string }): Promise<DevOidcIdp> {
  const dir = join(options.keysDir, 'dev');
  const stored = await loadOrCreateSigningKey(dir);
  const privateKey = await importJWK({ ...stored.privateJwk, alg: 'RS256' }, 'RS256');
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored.privateJwk;
  const jwks = { keys: [{ ...publicJwk, kid: stored.kid, alg: 'RS256', use: 'sig' }] };
  const jwksFile = join(dir, 'oidc-jwks.json');
  writeFileSync(jwksFile, JSON.stringify(jwks), { mode: 0o644 });

  const issuer = `${options.publicUrl}${DEV_OIDC_PATH}`;

  const issueIdToken: DevOidcIdp['issueIdToken'] = async (user, opts = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      email: user.email,
      name: user.name,
      groups: [...user.groups],
      amr: user.mfa ? ['pwd', 'mfa'] : ['pwd'],
      auth_time: now,
    })
      .setProtectedHeader({ alg: 'RS256', kid: stored.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(user.username)
      .setAudience(opts.clientId ?? DEV_OIDC_CLIENT_ID)
      .setIssuedAt(now)
      .setExpirationTime(now + (opts.lifetimeSeconds ?? 3600))
      .setJti(randomUUID())
      .sign(privateKey);
  };

  const router = express.Router();
  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'email', 'name', 'groups', 'amr', 'auth_time'],
    });
  });
  router.get('/jwks', (_req, res) => {
    res.json(jwks);
  });
  // Scriptable token endpoint for the README examples: GET /dev/oidc/token?user=alice → {"id_token": …}.
  router.get('/token', async (req, res) => {
    const user = findDemoUser(String(req.query['user'] ?? ''));
    if (user === undefined) {
      res.status(404).json({ error: 'unknown_user', users: DEMO_USERS.map((u) => u.username) });
      return;
    }
    const token = await issueIdToken(user);
    res.json({ id_token: token, token_type: 'Bearer', expires_in: 3600 });
  });
  router.get('/', async (req, res) => {
    const selected = findDemoUser(String(req.query['user'] ?? ''));
    const token = selected ? await issueIdToken(selected) : undefined;
    res.type('html').send(
      layout(
        'Development OpenID provider',
        raw(`<p><strong>Development only.</strong> Never enable devIdentityProviders in production.</p><p>Demo users of the development OpenID provider (<code>${escapeHtml(issuer)}</code>). Pick one to get an ID token for client <code>${DEV_OIDC_CLIENT_ID}</code>.</p>
<ul>${DEMO_USERS.map((u) => `<li><a href="?user=${encodeURIComponent(u.username)}">${escapeHtml(u.name)}</a> — groups ${escapeHtml(u.groups.join(', '))}${u.mfa ? ', MFA' : ''}</li>`).join('')}</ul>
${
  token && selected
    ? `<h2>ID token for ${escapeHtml(selected.username)}</h2><textarea readonly rows="8" cols="100">${escapeHtml(token)}</textarea>
<p>Exchange it for temporary credentials:</p><pre>aws sts assume-role-with-web-identity --endpoint-url ${escapeHtml(options.publicUrl)} \\
  --role-arn arn:aws:iam::123456789012:role/Developer --role-session-name ${escapeHtml(selected.username)} \\
  --web-identity-token "$(curl -s '${escapeHtml(issuer)}/token?user=${escapeHtml(selected.username)}' | jq -r .id_token)"</pre>`
    : ''
}`),
      ),
    );
  });

  return { issuer, jwksFile, router, issueIdToken };
}
