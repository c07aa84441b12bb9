/**
 * A broker for command-line sign-in tests: the development identity providers on (so people sign in
 * through the development SAML IdP, as `npm start` offers), and roles whose trust policies name it:
 *
 *   Developer  group developers                 (bob, alice)
 *   Operator   group developers + MFA           (alice: MFA at the IdP; bob: TOTP step-up)
 *   Auditor    group auditors                   (carol)
 *
 * in the local account, named "Development" by `accounts:`,
 * and helpers that sign a person in through the IdP with the fetch-based Browser, and build SSO SDK
 * clients pointed at the broker.
 */
import { SSOClient } from '@aws-sdk/client-sso';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { Browser, form, forms, type Page } from './browser.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from './broker.js';

export const DEV_PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/FedbrokerDev`;

/**
 * A trust policy for people of the development SAML IdP in one of `groups`, signing in to the broker
 * at `url`; `conditions`: more StringEquals keys, and `mfa` for aws:MultiFactorAuthPresent.
 */
export function devTrustPolicy(url: string, groups: string[], options: { mfa?: boolean; stringEquals?: Record<string, string> } = {}): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: DEV_PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithSAML',
        Condition: {
          StringEquals: { 'saml:aud': `${url}/saml`, ...options.stringEquals },
          'ForAnyValue:StringEquals': { 'saml:attr/groups': groups },
          ...(options.mfa ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : {}),
        },
      },
    ],
  };
}

export function devRoles(url: string): Record<string, unknown>[] {
  const trust = (groups: string[], mfa: boolean) => devTrustPolicy(url, groups, { mfa });
  const allowAll = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
  return [
    { name: 'Developer', description: 'Engineers', maxSessionDuration: 7200, trustPolicy: trust(['developers'], false), inlinePolicies: allowAll },
    { name: 'Operator', description: 'Operations (MFA)', trustPolicy: trust(['developers'], true), inlinePolicies: allowAll },
    { name: 'Auditor', description: 'Read-only', trustPolicy: trust(['auditors'], false), inlinePolicies: allowAll },
  ];
}

/**
 * Starts the broker with the development IdPs, then reloads it with the roles (their trust policies
 * name the broker's own URL, known only once it listens). `extra` is merged into both configurations.
 */
export async function startSsoBroker(extra: Record<string, unknown> = {}, options: { dir?: string; publicHost?: string } = {}): Promise<StartedBroker> {
  const base = { devIdentityProviders: true, store: 'memory:', ...extra };
  const b = await startBroker({ ...base, roles: [] }, options);
  await b.reload({ ...base, roles: devRoles(b.url), accounts: [{ id: TEST_ACCOUNT, name: 'Development', emailAddress: 'aws-dev@example.com' }], ...extra });
  return b;
}

/**
 * Signs `user` in through the development SAML IdP, SP-initiated with `relayState` (a path on the
 * broker: /start, /device?user_code=…): returns the broker's answer to the IdP's post.
 */
export async function signInThroughDevIdp(browser: Browser, user: string, relayState: string): Promise<Page> {
  const login = await browser.get(`/saml/login?provider=FedbrokerDev&RelayState=${encodeURIComponent(relayState)}`);
  if (login.status !== 302) throw new Error(`SAML login: ${login.status} ${login.body.slice(0, 500)}`);
  const idp = await browser.follow(login);
  const pick = forms(idp.body, '/dev/saml/sso').find((f) => f.fields['user'] === user);
  if (pick === undefined) throw new Error(`no demo user ${user}`);
  const post = await browser.post('/dev/saml/sso', pick.fields);
  const auto = form(post.body, `${browser.base}/saml`);
  return browser.post('/saml', auto.fields);
}

export function oidcClient(url: string): SSOOIDCClient {
  return new SSOOIDCClient({ region: 'us-east-1', endpoint: `${url}/sso-oidc` });
}

export function portalClient(url: string): SSOClient {
  return new SSOClient({ region: 'us-east-1', endpoint: `${url}/sso-portal` });
}

/** A device flow approved by `user` (through the development IdP, fetch browser): the client, its tokens. */
export async function deviceLogin(b: StartedBroker, user: string, options: { grantTypes?: string[] } = {}) {
  const oidc = oidcClient(b.url);
  const client = await oidc.send(new RegisterClientCommand({ clientName: `client-of-${user}`, clientType: 'public', scopes: ['sso:account:access'], ...(options.grantTypes ? { grantTypes: options.grantTypes } : {}) }));
  const device = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${b.url}/start` }));
  const browser = new Browser(b.url);
  const path = device.verificationUriComplete!.slice(b.url.length);
  await signInThroughDevIdp(browser, user, path);
  const decision = form((await browser.get(path)).body, '/device/decision');
  await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
  const token = await oidc.send(new CreateTokenCommand({ clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode }));
  return { oidc, client, device, token, browser };
}
