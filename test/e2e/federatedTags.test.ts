/**
 * Session tags from identity providers, end to end: SAML Responses signed by xmlsec1 with
 * `PrincipalTag:{Key}` and `TransitiveTagKeys` attributes (API and browser sign-in), ID tokens from the
 * real oidc-provider carrying the `https://aws.amazon.com/tags` claim (a claims extension of its
 * configuration), and the provider's `sessionTags` mapping — each ending in an ABAC decision.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssumeRoleWithSAMLCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askAuthorize, authorizingServiceUser } from '../helpers/authorize.js';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { Browser, pageText } from '../helpers/browser.js';
import { consoleConfig, postFromIdp, PROVIDER as CONSOLE_PROVIDER, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';
import { temporary, type Keys } from '../helpers/iamSts.js';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidcProvider.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME } from '../helpers/samlIdp.js';
import { ACS_URL, createStsFixture, SAML_PROVIDER, SAML_PROVIDER_ARN, SP_ENTITY_ID, type StsFixture } from '../helpers/stsFixture.js';

const ROLE = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/${name}`;
const PT = 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:';
const TTK = 'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys';
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

const ABAC_READ = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } } }],
};

let fx: StsFixture;
let oidc: TestOidcProvider;
let b: StartedBroker;
let oidcName: string;

const sts = () => new STSClient({ endpoint: b.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'unused' }, maxAttempts: 1 });

beforeAll(async () => {
  fx = await createStsFixture();
  oidc = await startOidcProvider({ extraClaimNames: [TAGS_CLAIM, 'cost_center'] });
  oidcName = oidc.issuer.replace(/^https?:\/\//, '');
  const samlTrust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: SAML_PROVIDER_ARN },
        Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
        Condition: { StringEquals: { 'saml:aud': ACS_URL }, StringLike: { 'aws:RequestTag/Department': '*' } },
      },
    ],
  };
  const webTrust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/${oidcName}` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [`${oidcName}:aud`]: 'test-app' } } },
      // Tags only with a known project: the condition sees aws:RequestTag/… of the token's claim.
      { Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/${oidcName}` }, Action: 'sts:TagSession', Condition: { StringEquals: { 'aws:RequestTag/Project': 'Automation' } } },
    ],
  };
  b = await startBroker(
    fx.config({
      identityProviders: [
        { type: 'oidc', issuer: oidc.issuer, clientIds: ['test-app'], sessionTags: { CostCenter: 'cc-${oidc:claim/cost_center}' } },
        { type: 'saml', name: SAML_PROVIDER, metadata: 'idp.xml', sessionTags: { Team: { from: '${saml:attr/groups}', match: '^team-(.+)$' } } },
      ],
      roles: [
        { name: 'SamlAbac', trustPolicy: samlTrust, inlinePolicies: [ABAC_READ] },
        { name: 'WebAbac', trustPolicy: webTrust, inlinePolicies: [ABAC_READ] },
      ],
      users: [authorizingServiceUser],
    }),
    { dir: fx.dir },
  );
});
afterAll(async () => {
  await b?.close();
  await oidc?.stop();
  fx?.cleanup();
});

async function principalAndDecision(subject: Keys, department: string) {
  const { json } = await askAuthorize(b.url, {
    credentials: { accessKeyId: subject.accessKeyId, secretAccessKey: subject.secretAccessKey, sessionToken: subject.sessionToken },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::reports/q1.csv',
    context: { 'aws:ResourceTag/Department': department },
  });
  return { decision: json['decision'] as string, tags: json['principal']['tags'] as Record<string, string> | undefined };
}

function lastEvent(name: string): Record<string, any> {
  const lines = readFileSync(join(fx.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n');
  return lines.map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['eventName'] === name).at(-1)!;
}

describe('AssumeRoleWithSAML: PrincipalTag attributes signed by xmlsec1, plus the provider mapping', () => {
  it('carries the tags into the session, where aws:PrincipalTag decides', async () => {
    const assertion = fx.idp.response({
      acsUrl: ACS_URL,
      audience: SP_ENTITY_ID,
      nameId: 'alice@example.com',
      attributes: {
        [AWS_ROLE]: [`${ROLE('SamlAbac')},${SAML_PROVIDER_ARN}`],
        [AWS_ROLE_SESSION_NAME]: ['alice'],
        [`${PT}Department`]: ['Engineering'],
        [`${PT}CostCenter`]: ['12345'],
        [TTK]: ['Department', 'Team'],
        groups: ['everyone', 'team-blue'],
      },
    });
    const out = await sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE('SamlAbac'), PrincipalArn: SAML_PROVIDER_ARN, SAMLAssertion: assertion }));
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const alice = temporary(out.Credentials);
    expect(await principalAndDecision(alice, 'Engineering')).toEqual({ decision: 'Allow', tags: { Department: 'Engineering', CostCenter: '12345', Team: 'blue' } });
    expect((await principalAndDecision(alice, 'Sales')).decision).toBe('Deny');
    expect(lastEvent('AssumeRoleWithSAML')['requestParameters']).toMatchObject({
      principalTags: { Department: 'Engineering', CostCenter: '12345', Team: 'blue' },
      transitiveTagKeys: ['Department', 'Team'],
    });
  });
});

describe('AssumeRoleWithWebIdentity: the tags claim in an ID token of the real oidc-provider', () => {
  it('carries principal_tags and the configured CostCenter into the session', async () => {
    const token = await oidc.issueIdToken({
      sub: 'alice',
      extraClaims: { [TAGS_CLAIM]: { principal_tags: { Department: ['Engineering'], Project: ['Automation'] }, transitive_tag_keys: ['Project'] }, cost_center: 4711 },
    });
    const out = await sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE('WebAbac'), RoleSessionName: 'alice', WebIdentityToken: token }));
    const alice = temporary(out.Credentials);
    expect(await principalAndDecision(alice, 'Engineering')).toEqual({ decision: 'Allow', tags: { Department: 'Engineering', Project: 'Automation', CostCenter: 'cc-4711' } });
    expect(lastEvent('AssumeRoleWithWebIdentity')['requestParameters']).toMatchObject({
      principalTags: { Department: 'Engineering', Project: 'Automation', CostCenter: 'cc-4711' },
      transitiveTagKeys: ['Project'],
    });
  });

  it('a tag the trust policy does not accept (aws:RequestTag condition of sts:TagSession) → AccessDenied', async () => {
    const token = await oidc.issueIdToken({ sub: 'bob', extraClaims: { [TAGS_CLAIM]: { principal_tags: { Project: ['Other'] } } } });
    await expect(sts().send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE('WebAbac'), RoleSessionName: 'bob', WebIdentityToken: token }))).rejects.toThrow(
      /Not authorized to perform sts:TagSession/,
    );
  });
});

describe('browser sign-in: the console session carries the tags', () => {
  let c: SamlConsoleBroker;
  beforeAll(async () => {
    c = await startSamlConsoleBroker();
    const acs = `${c.publicUrl}/saml`;
    const base = consoleConfig(c.publicUrl);
    await c.broker.reload({
      ...base,
      roles: [
        {
          name: 'Tagged',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${CONSOLE_PROVIDER}` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'saml:aud': acs } } }],
          },
        },
        {
          name: 'Guarded',
          allowedSessionTagKeys: ['Team'],
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${CONSOLE_PROVIDER}` }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'saml:aud': acs } } }],
          },
        },
        {
          name: 'Untagged',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${TEST_ACCOUNT}:saml-provider/${CONSOLE_PROVIDER}` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': acs } } }],
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('only roles that accept the tags are offered; the console shows the tags; ConsoleLogin records them', async () => {
    const browser = new Browser(c.broker.url);
    // No Role attribute: every role trusting the provider is a candidate; Guarded refuses Department,
    // Untagged does not allow sts:TagSession — so Tagged is the only one and the sign-in goes straight on.
    const signedIn = await postFromIdp(browser, c.response({ attributes: { [`${PT}Department`]: ['Engineering'], [TTK]: ['Department'] } }));
    expect(signedIn.status, pageText(signedIn.body)).toBe(302);
    const consolePage = await browser.follow(signedIn);
    const text = pageText(consolePage.body);
    expect(text).toContain('assumed-role/Tagged/');
    expect(text).toMatch(/Session tags\s*Department = Engineering \(transitive\)/);
    const login = readFileSync(join(c.broker.dir, 'data', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['eventName'] === 'ConsoleLogin').at(-1)!;
    expect(login['additionalEventData']).toMatchObject({ roleArn: ROLE('Tagged'), principalTags: { Department: 'Engineering' }, transitiveTagKeys: ['Department'] });
  });

  it('tags that break a limit stop the sign-in with a page that says why', async () => {
    const browser = new Browser(c.broker.url);
    const page = await postFromIdp(browser, c.response({ attributes: { [`${PT}Department`]: ['a'], [`${PT}department`]: ['b'] } }));
    expect(page.status).toBe(400);
    expect(pageText(page.body)).toContain('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  });
});
