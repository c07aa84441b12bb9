/**
 * A running broker set up for the SAML browser sign-in tests: two SAML providers whose responses are
 * signed by xmlsec1 (test/helpers/samlIdp.ts), a handful of roles covering every trust verdict, and an
 * allow-list of destinations.
 *
 *   const s = await startSamlConsoleBroker();          // s.broker (StartedBroker), s.idp, s.other
 *   const b64 = s.response({ nameId: 'alice@example.com', roles: ['Developer'] });
 *   const page = await postFromIdp(browser, b64, relayState);   // as the IdP's auto-submitting form
 *   await s.close();
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { generate } from 'otplib';
import type { Browser, Page } from './browser.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from './broker.js';
import { AWS_ROLE, createTestIdp, type ResponseOptions, type SignOptions, type TestIdp } from './samlIdp.js';

export const PROVIDER = 'ExampleCorp';
export const OTHER_PROVIDER = 'OtherCorp';
export const PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${PROVIDER}`;
export const OTHER_PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${OTHER_PROVIDER}`;
/** The AuthnContextClassRef that ExampleCorp's configuration counts as MFA done at the IdP. */
export const MFA_CONTEXT = 'http://schemas.microsoft.com/claims/multipleauthn';
export const ALLOWED_EXACT = 'https://app.example.test/landing';
export const ALLOWED_PREFIX = 'https://portal.example.test/';
export const MAX_FAILURES = 3;

export const roleArn = (name: string): string => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;
/** A Role attribute value: role ARN and provider ARN (ExampleCorp by default). */
export const rolePair = (name: string, providerArn = PROVIDER_ARN): string => `${roleArn(name)},${providerArn}`;

export interface SamlConsoleBroker {
  readonly broker: StartedBroker;
  /** The broker's publicUrl (differs from broker.url when given). */
  readonly publicUrl: string;
  readonly idp: TestIdp;
  readonly other: TestIdp;
  /** base64 of a signed Response for this broker's ACS; `roles` are role names for ExampleCorp's Role attribute. */
  response(options?: ResponseOptions & SignOptions & { roles?: readonly string[]; from?: TestIdp }): string;
  close(): Promise<void>;
}

function statement(provider: string, acs: string, extra: Record<string, unknown> = {}, actions: readonly string[] = ['sts:AssumeRoleWithSAML', 'sts:SetSourceIdentity']) {
  return {
    Effect: 'Allow',
    Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${provider}` },
    Action: actions,
    Condition: { StringEquals: { 'saml:aud': acs }, ...extra },
  };
}
const policy = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

/**
 * Roles: Developer and Operator (any ExampleCorp identity), Auditor (group "audit" only), Contractor
 * (explicitly denied to *@example.com), Partner (OtherCorp only), Secure (needs aws:MultiFactorAuthPresent),
 * Legacy (needs MFA; the only one whose trust policy does not allow sts:SetSourceIdentity).
 */
export function consoleConfig(publicUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const acs = `${publicUrl}/saml`;
  return {
    identityProviders: [
      { type: 'saml', name: PROVIDER, metadata: 'idp.xml', mfaAuthnContexts: [MFA_CONTEXT] },
      { type: 'saml', name: OTHER_PROVIDER, metadata: 'other.xml' },
    ],
    roles: [
      { name: 'Developer', description: 'Engineers', trustPolicy: policy(statement(PROVIDER, acs)) },
      { name: 'Operator', description: 'Operations on call', trustPolicy: policy(statement(PROVIDER, acs)) },
      { name: 'Auditor', trustPolicy: policy(statement(PROVIDER, acs, { 'ForAnyValue:StringEquals': { 'saml:attr/groups': ['audit'] } })) },
      {
        name: 'Contractor',
        trustPolicy: policy(statement(PROVIDER, acs), {
          Effect: 'Deny',
          Principal: { Federated: PROVIDER_ARN },
          Action: 'sts:AssumeRoleWithSAML',
          Condition: { StringLike: { 'saml:sub': '*@example.com' } },
        }),
      },
      { name: 'Partner', trustPolicy: policy(statement(OTHER_PROVIDER, acs)) },
      { name: 'Secure', trustPolicy: policy(statement(PROVIDER, acs, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })) },
      // Needs MFA, and does not let the IdP set a source identity.
      { name: 'Legacy', trustPolicy: policy(statement(PROVIDER, acs, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, ['sts:AssumeRoleWithSAML'])) },
    ],
    console: { destinations: [ALLOWED_EXACT, `${ALLOWED_PREFIX}*`] },
    mfa: { maxFailures: MAX_FAILURES, lockoutSeconds: 300 },
    ...extra,
  };
}

export async function startSamlConsoleBroker(
  options: { publicUrl?: string; extra?: Record<string, unknown>; dir?: string; share?: SamlConsoleBroker } = {},
): Promise<SamlConsoleBroker> {
  const idp = options.share?.idp ?? createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'console-idp', ssoUrl: 'https://idp.example.test/sso' });
  const other = options.share?.other ?? createTestIdp({ entityId: 'https://other.example.test/metadata', keyLabel: 'console-other-idp', ssoUrl: 'https://other.example.test/sso' });
  const server = options.publicUrl !== undefined ? { server: { publicUrl: options.publicUrl } } : {};
  // The ACS URL (saml:aud) is only known once the port is: start without providers and roles, then load
  // them. Everything else is there from the start (a reload does not rebuild every service: mfa.*).
  const initial = { ...consoleConfig('http://placeholder.invalid', options.extra), identityProviders: [], roles: [], ...server };
  const broker = await startBroker(initial, options.dir !== undefined ? { dir: options.dir } : {});
  const publicUrl = options.publicUrl ?? broker.url;
  writeFileSync(join(broker.dir, 'idp.xml'), idp.metadataXml());
  writeFileSync(join(broker.dir, 'other.xml'), other.metadataXml());
  await broker.reload({ ...consoleConfig(publicUrl, options.extra), ...server });
  return {
    broker,
    publicUrl,
    idp,
    other,
    response(o = {}) {
      const { roles, from, attributes, ...rest } = o;
      return (from ?? idp).response({
        acsUrl: `${publicUrl}/saml`,
        audience: `${publicUrl}/saml/metadata`,
        ...rest,
        attributes: { ...(roles !== undefined ? { [AWS_ROLE]: roles.map((r) => rolePair(r)) } : {}), ...(attributes ?? {}) },
      });
    },
    close: () => broker.close(),
  };
}

/**
 * What the IdP's auto-submitting form does: a cross-site POST to the ACS, which carries no SameSite=Lax
 * cookie of the broker (only SameSite=None ones); the cookies its response sets are kept by the browser.
 */
export async function postFromIdp(browser: Browser, SAMLResponse: string, RelayState?: string): Promise<Page> {
  return browser.post('/saml', { SAMLResponse, ...(RelayState !== undefined ? { RelayState } : {}) }, { cookies: 'cross-site' });
}

/**
 * A sign-in started at the broker (SP-initiated): GET /saml/login for `relayState`, then ExampleCorp's
 * answer to that AuthnRequest (InResponseTo) posted back — the only way into the access portal and the
 * approval pages (an unsolicited response bound for them is sent round again).
 */
export async function signInFromBroker(
  browser: Browser,
  s: SamlConsoleBroker,
  relayState: string,
  response: Omit<ResponseOptions, 'inResponseTo'> & SignOptions & { roles?: readonly string[] } = {},
): Promise<Page> {
  const login = await browser.get(`/saml/login?provider=${PROVIDER}&RelayState=${encodeURIComponent(relayState)}`);
  if (login.status !== 302 || login.location === undefined) throw new Error(`SAML login: ${login.status} ${login.body.slice(0, 300)}`);
  const params = new URL(login.location).searchParams;
  const xml = inflateRawSync(Buffer.from(params.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  const requestId = /\sID="([^"]+)"/.exec(xml)?.[1];
  if (requestId === undefined) throw new Error(`no AuthnRequest ID in ${xml.slice(0, 300)}`);
  return postFromIdp(browser, s.response({ ...response, inResponseTo: requestId }), params.get('RelayState') ?? undefined);
}

/** The seed (base32) and device serial an enrolment page shows. */
export function enrolmentOf(html: string): { seed: string; serial: string } {
  const seed = /enter this key by hand: <code>([A-Z2-7]+)<\/code>/.exec(html)?.[1];
  const serial = /Device: <code>([^<]+)<\/code>/.exec(html)?.[1];
  if (seed === undefined || serial === undefined) throw new Error('not an enrolment page');
  return { seed, serial };
}

/** The code an authenticator app shows for 30-second time step `step` (otplib, independent of the broker). */
export function codeOfStep(seedBase32: string, step: number): Promise<string> {
  return generate({ secret: seedBase32, epoch: step * 30 + 1 });
}
