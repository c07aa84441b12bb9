/**
 * One realistic broker configuration for protocol, security, CLI and audit tests: an OIDC provider
 * whose keys come from a jwksFile (tokens minted locally with jose), a SAML provider whose responses
 * are signed by xmlsec1 (test/helpers/samlIdp.ts), two IAM users with long-term keys, and roles for
 * every STS action.
 *
 *   const f = await createStsFixture();          // keys, files in f.dir
 *   const b = await startBroker(f.config(), { dir: f.dir });
 *   const token = await f.webToken();            // an ID token the WebDev role trusts
 *   const saml = f.samlResponse({ role: 'SamlDev' });
 *   …
 *   await b.close(); f.cleanup();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ACCOUNT } from './broker.js';
import { createLocalSigningKey, idTokenClaims, mintLocalToken, type LocalSigningKey } from './oidcProvider.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, createTestIdp, type TestIdp } from './samlIdp.js';

export const ISSUER = 'https://idp.fedbroker.test';
export const PROVIDER = 'idp.fedbroker.test';
export const OIDC_PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/${PROVIDER}`;
export const SAML_PROVIDER = 'ExampleCorp';
export const SAML_PROVIDER_ARN = `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${SAML_PROVIDER}`;
/** The broker's public URL in this fixture (independent of the port it listens on). */
export const PUBLIC_URL = 'http://broker.fedbroker.test';
export const ACS_URL = `${PUBLIC_URL}/saml`;
export const SP_ENTITY_ID = `${PUBLIC_URL}/saml/metadata`;

/** Long-term keys of the SSO portal user: GetFederationToken, AssumeRole, GetSessionToken. */
export const PORTAL = { accessKeyId: 'AKIAPORTAL0000000001', secretAccessKey: 'portalSecretKey/0123456789abcdefghijklmno' } as const;
/** Long-term keys of an auditor user: GetFederationToken and DecodeAuthorizationMessage. */
export const AUDITOR = { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'auditorSecretKey/0123456789abcdefghijklmn' } as const;

export const roleArn = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;
export const userArn = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:user/${name}`;

const allow = (action: string | string[], resource = '*') => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] });

export interface StsFixture {
  readonly dir: string;
  readonly key: LocalSigningKey;
  readonly idp: TestIdp;
  /** The broker configuration (merge your own keys over it). */
  config(overrides?: Record<string, unknown>): Record<string, unknown>;
  /** An ID token for the OIDC provider (aud test-app, sub alice, valid 5 minutes) with `claims` over it. */
  webToken(claims?: Record<string, unknown>): Promise<string>;
  /** Base64 of a signed SAML Response naming `role` (and the provider) in the Role attribute. */
  samlResponse(options?: { role?: string; nameId?: string; sessionName?: string }): string;
  cleanup(): void;
}

export async function createStsFixture(): Promise<StsFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'fedbroker-sts-'));
  const key = await createLocalSigningKey({ kid: 'fixture-key' });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(key.jwks));
  const idp = createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'sts-fixture-idp' });
  writeFileSync(join(dir, 'idp.xml'), idp.metadataXml());

  const webTrust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: OIDC_PROVIDER_ARN },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { [`${PROVIDER}:aud`]: 'test-app' } },
      },
    ],
  };
  const samlTrust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: SAML_PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': ACS_URL } } }],
  };
  const accountTrust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
  };
  const both = { Version: '2012-10-17', Statement: [...webTrust.Statement, ...accountTrust.Statement] };

  return {
    dir,
    key,
    idp,
    config(overrides = {}) {
      return {
        server: { publicUrl: PUBLIC_URL },
        identityProviders: [
          { type: 'oidc', issuer: ISSUER, clientIds: ['test-app'], jwksFile: 'jwks.json' },
          { type: 'saml', name: SAML_PROVIDER, metadata: 'idp.xml' },
        ],
        policies: [{ name: 'S3Read', document: allow('s3:Get*') }],
        roles: [
          // Web identity; permissions: s3:Get* and DecodeAuthorizationMessage. Also assumable by the account.
          { name: 'WebDev', maxSessionDuration: 7200, trustPolicy: both, managedPolicies: ['S3Read'], inlinePolicies: [allow('sts:DecodeAuthorizationMessage')] },
          // May chain into other roles (its permissions allow sts:AssumeRole).
          { name: 'Chainer', maxSessionDuration: 43200, trustPolicy: both, inlinePolicies: [allow(['sts:AssumeRole', 'sts:DecodeAuthorizationMessage'])] },
          // A plain target role (no permissions).
          { name: 'Target', maxSessionDuration: 43200, trustPolicy: accountTrust },
          { name: 'SamlDev', maxSessionDuration: 7200, trustPolicy: samlTrust, managedPolicies: ['S3Read'] },
        ],
        users: [
          {
            name: 'portal',
            accessKeys: [{ id: PORTAL.accessKeyId, secret: PORTAL.secretAccessKey }],
            inlinePolicies: [allow(['sts:GetFederationToken', 'sts:AssumeRole', 'sts:GetSessionToken'])],
          },
          {
            name: 'auditor',
            accessKeys: [{ id: AUDITOR.accessKeyId, secret: AUDITOR.secretAccessKey }],
            inlinePolicies: [allow(['sts:GetFederationToken', 'sts:DecodeAuthorizationMessage'])],
          },
        ],
        ...overrides,
      };
    },
    webToken(claims = {}) {
      return mintLocalToken(key, idTokenClaims(ISSUER, claims));
    },
    samlResponse(options = {}) {
      const role = options.role ?? 'SamlDev';
      return idp.response({
        acsUrl: ACS_URL,
        audience: SP_ENTITY_ID,
        nameId: options.nameId ?? 'alice@example.com',
        attributes: { [AWS_ROLE]: [`${roleArn(role)},${SAML_PROVIDER_ARN}`], [AWS_ROLE_SESSION_NAME]: [options.sessionName ?? 'alice'] },
      });
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
