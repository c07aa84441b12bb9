/**
 * seed-digest §12.4 and §12.5: SAML (TV-S1 … TV-S4) and web identity (TV-W1 … TV-W7) trust policies,
 * policy side only: the condition keys the federation layer would derive are set directly.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, federated, iamUser, policy, vectorLines, vectorPolicy, vectorText, wrapCondition, wrapStatement } from '../fixtures/seed-vectors.js';
import type { ContextEntries } from '../fixtures/seed-vectors.js';

const SAML_ACTION = 'sts:AssumeRoleWithSAML';
const OIDC_ACTION = 'sts:AssumeRoleWithWebIdentity';

describe('TV-S1: SAML trust, aud, iss and eduPersonAffiliation=staff (ForAllValues)', () => {
  const trust = vectorPolicy('TV-S1', 'trust');
  const provider = federated('arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:saml-provider/ExampleOrgSSOProvider');
  const assertion = (overrides: ContextEntries): ContextEntries => ({
    'saml:aud': 'https://signin.aws.amazon.com/saml',
    'saml:iss': 'https://openidp.feide.no',
    'saml:edupersonaffiliation': ['staff'],
    ...overrides,
  });
  const act = (overrides: ContextEntries, principal = provider) => evaluate(trust, { action: SAML_ACTION, principal, context: assertion(overrides) });

  it('the ExampleOrgSSOProvider, the AWS Recipient, the feide Issuer and affiliation [staff] → ALLOW', () => {
    expect(act({})).toBe('ALLOW');
  });
  it('affiliation [staff, student] → DENY-implicit: ForAllValues', () => {
    expect(act({ 'saml:edupersonaffiliation': ['staff', 'student'] })).toBe('DENY-implicit');
  });
  it('affiliation absent → ALLOW: ForAllValues over the empty set is true (G18149) — the classic trap', () => {
    expect(act({ 'saml:edupersonaffiliation': undefined })).toBe('ALLOW');
    expect(act({ 'saml:edupersonaffiliation': [] })).toBe('ALLOW');
  });
  it('Recipient https://other/acs → DENY-implicit', () => expect(act({ 'saml:aud': 'https://other/acs' })).toBe('DENY-implicit'));
  it('Issuer https://evil.example → DENY-implicit', () => expect(act({ 'saml:iss': 'https://evil.example' })).toBe('DENY-implicit'));
  it('another SAML provider → DENY-implicit', () => {
    expect(act({}, federated('arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:saml-provider/Other'))).toBe('DENY-implicit');
  });
  it('the wrong action → DENY-implicit', () => {
    expect(evaluate(trust, { action: OIDC_ACTION, principal: provider, context: assertion({}) })).toBe('DENY-implicit');
  });
});

describe('TV-S2: SAML console role, eduPersonOrgDN=ExampleOrg AND saml:aud', () => {
  const trust = vectorPolicy('TV-S2', 'trust');
  const provider = federated('arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:saml-provider/ExampleOrgSSOProvider');
  const act = (orgDn: string) =>
    evaluate(trust, { action: SAML_ACTION, principal: provider, context: { 'saml:edupersonorgdn': orgDn, 'saml:aud': 'https://signin.aws.amazon.com/saml' } });

  it('eduPersonOrgDN ExampleOrg and the AWS Recipient → ALLOW', () => expect(act('ExampleOrg')).toBe('ALLOW'));
  it('eduPersonOrgDN OtherOrg → DENY-implicit', () => expect(act('OtherOrg')).toBe('DENY-implicit'));
  it('both keys are required (AND within one operator)', () => {
    expect(evaluate(trust, { action: SAML_ACTION, principal: provider, context: { 'saml:edupersonorgdn': 'ExampleOrg' } })).toBe('DENY-implicit');
  });
});

describe('TV-S3: generic SAML trust with the upper-case key SAML:aud', () => {
  const trust = vectorPolicy('TV-S3', 'trust');
  const provider = federated('arn:aws:iam::ACCOUNT-ID-WITHOUT-HYPHENS:saml-provider/PROVIDER-NAME');
  const act = (aud: string) => evaluate(trust, { action: SAML_ACTION, principal: provider, context: { 'saml:aud': aud } });

  it('Recipient https://signin.aws.amazon.com/saml → ALLOW: condition keys are case-insensitive', () => {
    expect(act('https://signin.aws.amazon.com/saml')).toBe('ALLOW');
  });
  it('Recipient elsewhere → DENY-implicit', () => expect(act('https://elsewhere.example/saml')).toBe('DENY-implicit'));
  it('Audience urn:amazon:webservices with the AWS Recipient → ALLOW (saml:aud is the Recipient)', () => {
    expect(
      evaluate(trust, {
        action: SAML_ACTION,
        principal: provider,
        context: { 'saml:aud': 'https://signin.aws.amazon.com/saml', 'saml:audience': 'urn:amazon:webservices' },
      }),
    ).toBe('ALLOW');
  });
  it('the context key may be given in any case too', () => {
    expect(evaluate(trust, { action: SAML_ACTION, principal: provider, context: { 'Saml:Aud': 'https://signin.aws.amazon.com/saml' } })).toBe('ALLOW');
  });
});

describe('TV-S4: affiliation only faculty, staff or employee', () => {
  const p = policy(wrapCondition(vectorText('TV-S4').trim()));
  const act = (affiliation: string[] | undefined) => evaluate(p, { action: 'test:Action', context: { 'saml:edupersonaffiliation': affiliation } });

  it('[faculty] → match', () => expect(act(['faculty'])).toBe('ALLOW'));
  it('[staff, employee] → match', () => expect(act(['staff', 'employee'])).toBe('ALLOW'));
  it('[staff, student] → no match', () => expect(act(['staff', 'student'])).toBe('DENY-implicit'));
  it('[] or absent → match (empty set)', () => {
    expect(act([])).toBe('ALLOW');
    expect(act(undefined)).toBe('ALLOW');
  });
});

const cognito = federated('cognito-identity.amazonaws.com');

describe('TV-W1: Cognito trust, pool aud AND amr contains unauthenticated', () => {
  const trust = vectorPolicy('TV-W1', 'trust');
  const act = (aud: string, amr: string[]) =>
    evaluate(trust, { action: OIDC_ACTION, principal: cognito, context: { 'cognito-identity.amazonaws.com:aud': aud, 'cognito-identity.amazonaws.com:amr': amr } });

  it('aud=us-east-2:12345678-abcd-abcd-abcd-123456 and amr=[unauthenticated] → ALLOW', () => {
    expect(act('us-east-2:12345678-abcd-abcd-abcd-123456', ['unauthenticated'])).toBe('ALLOW');
  });
  it('amr=[authenticated, graph.facebook.com] → DENY-implicit', () => {
    expect(act('us-east-2:12345678-abcd-abcd-abcd-123456', ['authenticated', 'graph.facebook.com'])).toBe('DENY-implicit');
  });
  it('aud = another pool → DENY-implicit', () => {
    expect(act('us-east-2:99999999-abcd-abcd-abcd-123456', ['unauthenticated'])).toBe('DENY-implicit');
  });
  it('the broker names the caller by its provider ARN: the bare name in the trust policy still matches it; another provider does not', () => {
    const context = { 'cognito-identity.amazonaws.com:aud': 'us-east-2:12345678-abcd-abcd-abcd-123456', 'cognito-identity.amazonaws.com:amr': ['unauthenticated'] };
    const asArn = federated('arn:aws:iam::123456789012:oidc-provider/cognito-identity.amazonaws.com');
    expect(evaluate(trust, { action: OIDC_ACTION, principal: asArn, context })).toBe('ALLOW');
    const other = federated('arn:aws:iam::123456789012:oidc-provider/evil.example.com');
    expect(evaluate(trust, { action: OIDC_ACTION, principal: other, context })).toBe('DENY-implicit');
  });
});

describe('TV-W2: Login with Amazon trust (www.amazon.com:app_id)', () => {
  const trust = vectorPolicy('TV-W2', 'trust');
  const act = (appId: string, provider = 'www.amazon.com') =>
    evaluate(trust, { action: OIDC_ACTION, principal: federated(provider), context: { 'www.amazon.com:app_id': appId } });

  it('app_id=amzn1.application-oa2-123456 → ALLOW', () => expect(act('amzn1.application-oa2-123456')).toBe('ALLOW'));
  it('another app → DENY-implicit', () => expect(act('amzn1.application-oa2-999999')).toBe('DENY-implicit'));
  it('principal accounts.google.com → DENY-implicit (principal mismatch)', () => {
    expect(act('amzn1.application-oa2-123456', 'accounts.google.com')).toBe('DENY-implicit');
  });
});

describe('TV-W3: Facebook trust (graph.facebook.com:app_id)', () => {
  const trust = vectorPolicy('TV-W3', 'trust');
  const act = (appId: string) => evaluate(trust, { action: OIDC_ACTION, principal: federated('graph.facebook.com'), context: { 'graph.facebook.com:app_id': appId } });

  it('app_id=111222333444555 → ALLOW', () => expect(act('111222333444555')).toBe('ALLOW'));
  it('otherwise → DENY-implicit', () => expect(act('111222333444556')).toBe('DENY-implicit'));
});

describe('TV-W4: Google trust (accounts.google.com:aud)', () => {
  const trust = vectorPolicy('TV-W4', 'trust');
  const act = (aud: string) => evaluate(trust, { action: OIDC_ACTION, principal: federated('accounts.google.com'), context: { 'accounts.google.com:aud': aud } });

  it('aud=666777888999000 → ALLOW', () => expect(act('666777888999000')).toBe('ALLOW'));
  it('another aud → DENY-implicit (the G7843 literal 66677788899900pro0 is a different value)', () => {
    expect(act('66677788899900pro0')).toBe('DENY-implicit');
    expect(act('111')).toBe('DENY-implicit');
  });
});

describe('TV-W5: Cognito trust, aud only (pool id us-east:… verbatim)', () => {
  const trust = vectorPolicy('TV-W5', 'trust');
  const act = (aud: string) => evaluate(trust, { action: OIDC_ACTION, principal: cognito, context: { 'cognito-identity.amazonaws.com:aud': aud } });

  it('aud=us-east:12345678-ffff-ffff-ffff-123456 → ALLOW', () => expect(act('us-east:12345678-ffff-ffff-ffff-123456')).toBe('ALLOW'));
  it('otherwise → DENY-implicit', () => expect(act('us-east-2:12345678-ffff-ffff-ffff-123456')).toBe('DENY-implicit'));
});

describe('TV-W6: generic OIDC provider, principal and condition fragments', () => {
  const [principalFragment = '', conditionFragment = '', keyLine = ''] = vectorLines('TV-W6');
  const trust = policy(wrapStatement(`"Effect": "Allow", ${principalFragment}, "Action": "${OIDC_ACTION}", ${conditionFragment}`), 'trust');
  const provider = federated('arn:aws:iam::123456789012:oidc-provider/server.example.com');

  it('a token from https://server.example.com with aud=appid_from_oidc_idp → ALLOW (key prefix = issuer without https://)', () => {
    expect(evaluate(trust, { action: OIDC_ACTION, principal: provider, context: { 'server.example.com:aud': 'appid_from_oidc_idp' } })).toBe('ALLOW');
  });
  it('another aud, or the key with the scheme kept → DENY-implicit', () => {
    expect(evaluate(trust, { action: OIDC_ACTION, principal: provider, context: { 'server.example.com:aud': 'other' } })).toBe('DENY-implicit');
    expect(evaluate(trust, { action: OIDC_ACTION, principal: provider, context: { 'https://server.example.com:aud': 'appid_from_oidc_idp' } })).toBe(
      'DENY-implicit',
    );
  });
  it('the sub key is usable in a condition', () => {
    expect(keyLine).toBe('key: server.example.com:sub');
    const withSub = policy(
      wrapStatement(
        `"Effect": "Allow", ${principalFragment}, "Action": "${OIDC_ACTION}", "Condition": {"StringEquals": {"server.example.com:aud": "appid_from_oidc_idp", "server.example.com:sub": "user-1"}}`,
      ),
      'trust',
    );
    const ctx = { 'server.example.com:aud': 'appid_from_oidc_idp', 'server.example.com:sub': 'user-1' };
    expect(evaluate(withSub, { action: OIDC_ACTION, principal: provider, context: ctx })).toBe('ALLOW');
    expect(evaluate(withSub, { action: OIDC_ACTION, principal: provider, context: { ...ctx, 'server.example.com:sub': 'user-2' } })).toBe('DENY-implicit');
  });
  it('a loopback provider name with a port: the whole key is opaque (127.0.0.1:8443:aud)', () => {
    const loopback = policy(
      wrapStatement(
        `"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8443"}, "Action": "${OIDC_ACTION}", "Condition": {"StringEquals": {"127.0.0.1:8443:aud": "web-app"}}`,
      ),
      'trust',
    );
    const principal = federated('arn:aws:iam::123456789012:oidc-provider/127.0.0.1:8443');
    expect(evaluate(loopback, { action: OIDC_ACTION, principal, context: { '127.0.0.1:8443:aud': 'web-app' } })).toBe('ALLOW');
    expect(evaluate(loopback, { action: OIDC_ACTION, principal, context: { '8443:aud': 'web-app' } })).toBe('DENY-implicit');
  });
});

describe('TV-W7: Cognito amr condition (trust), the same cases as TV-W1', () => {
  const trust = policy(
    wrapStatement(`"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "${OIDC_ACTION}", ${vectorText('TV-W7').trim()}`),
    'trust',
  );
  const act = (aud: string, amr: string[]) =>
    evaluate(trust, { action: OIDC_ACTION, principal: cognito, context: { 'cognito-identity.amazonaws.com:aud': aud, 'cognito-identity.amazonaws.com:amr': amr } });

  it('pool aud and amr=[unauthenticated] → ALLOW', () => expect(act('us-east-2:identity-pool-id', ['unauthenticated'])).toBe('ALLOW'));
  it('amr=[authenticated, graph.facebook.com] → DENY-implicit', () => {
    expect(act('us-east-2:identity-pool-id', ['authenticated', 'graph.facebook.com'])).toBe('DENY-implicit');
  });
  it('another pool → DENY-implicit', () => expect(act('us-east-2:other-pool', ['unauthenticated'])).toBe('DENY-implicit'));
  it('an IAM user is not the Cognito federated principal → DENY-implicit', () => {
    expect(
      evaluate(trust, {
        action: OIDC_ACTION,
        principal: iamUser('123456789012', 'bob'),
        context: { 'cognito-identity.amazonaws.com:aud': 'us-east-2:identity-pool-id', 'cognito-identity.amazonaws.com:amr': ['unauthenticated'] },
      }),
    ).toBe('DENY-implicit');
  });
});
