/**
 * The authorization-code flow of newer AWS CLIs (`aws sso login` without --use-device-code): a client
 * registered for authorization_code with a loopback redirect URI sends the person to
 * /sso-oidc/authorize with PKCE; they sign in, allow, and come back to the loopback address with a
 * code that CreateToken (AWS SDK) exchanges with the verifier. Fetch browser here; Chromium in
 * ssoChromium.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CreateTokenCommand, RegisterClientCommand } from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form, pageText } from '../helpers/browser.js';
import { TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { oidcClient, portalClient, signInThroughDevIdp, startSsoBroker } from '../helpers/ssoBroker.js';

describe('authorization code + PKCE at /sso-oidc/authorize (fetch browser)', () => {
  let b: StartedBroker;
  beforeAll(async () => {
    // Without MFA at approval: carol's IdP asserts none and she is not asked for any.
    b = await startSsoBroker({ sso: { requireMfa: false } });
  }, 60_000);
  afterAll(async () => b?.close());

  it('sign in → Allow → redirect to the loopback URI with code and state → CreateToken with the verifier', async () => {
    const oidc = oidcClient(b.url);
    const client = await oidc.send(
      new RegisterClientCommand({ clientName: 'botocore-client-carol', clientType: 'public', scopes: ['sso:account:access'], grantTypes: ['authorization_code', 'refresh_token'], redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: `${b.url}/start` }),
    );
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://127.0.0.1:43210/oauth/callback';
    const query = new URLSearchParams({ response_type: 'code', client_id: client.clientId!, redirect_uri: redirectUri, state: 'st-123', code_challenge_method: 'S256', scopes: 'sso:account:access', code_challenge: challenge });
    const path = `/sso-oidc/authorize?${query}`;

    const browser = new Browser(b.url);
    const signedOut = await browser.get(path);
    expect(pageText(signedOut.body)).toContain('Sign in to approve');
    // The sign-in continues through the IdP's RelayState, which SAML limits to 80 bytes: a short path
    // naming the request kept by the broker.
    const relayState = decodeURIComponent(/RelayState=([^"&]+)/.exec(signedOut.body)![1]!);
    expect(relayState).toMatch(/^\/sso-oidc\/authorize\?resume=[\w-]{22}$/);
    expect(relayState.length).toBeLessThanOrEqual(80);
    const landed = await signInThroughDevIdp(browser, 'carol', relayState);
    expect(landed.location).toBe(`${b.url}${relayState}`);
    const consent = await browser.get(relayState);
    expect(pageText(consent.body)).toContain('botocore-client-carol');
    expect(pageText(consent.body)).toContain('127.0.0.1:43210');
    expect(consent.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:43210");
    const decision = form(consent.body, '/sso-oidc/authorize/decision');
    const back = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
    expect(back.status).toBe(302);
    const location = new URL(back.location!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('state')).toBe('st-123');

    const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: location.searchParams.get('code')!, redirectUri, codeVerifier: verifier }));
    const accounts = await portalClient(b.url).send(new ListAccountsCommand({ accessToken: token.accessToken }));
    expect(accounts.accountList?.map((a) => a.accountId)).toEqual([TEST_ACCOUNT]);
    // The code worked once.
    const again = await oidc
      .send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'authorization_code', code: location.searchParams.get('code')!, redirectUri, codeVerifier: verifier }))
      .catch((e: unknown) => e);
    expect((again as Error).name).toBe('InvalidGrantException');
  }, 60_000);
});
