/**
 * security.md, "Found by review": a SAML subject that is not stable (transient NameID format, or a
 * subject the provider passes through as typed) reaching an MFA step with no enrolled device → no
 * first-sign-in enrolment (a person could enrol a new device at every sign-in with only the IdP
 * password); a clear page saying that MFA roles need a persistent identifier, or the provider's
 * `mfaSubject` naming a stable one. Subjects compared as the provider defines them (`subjectCase`).
 * The same rule for the API step-up (SerialNumber/TokenCode on AssumeRoleWithSAML).
 * Against a running broker: a cookie-keeping browser, Responses signed by xmlsec1, codes from otplib.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { Browser, form, forms, pageText } from '../helpers/browser.js';
import {
  codeOfStep, consoleConfig, enrolmentOf, postFromIdp, PROVIDER, PROVIDER_ARN, roleArn, rolePair, startSamlConsoleBroker, type SamlConsoleBroker,
} from '../helpers/consoleSaml.js';
import { AWS_ROLE, AWS_ROLE_SESSION_NAME, NAMEID_TRANSIENT, newId } from '../helpers/samlIdp.js';
import { awsError, stsQuery } from '../helpers/stsHttp.js';

let s: SamlConsoleBroker;
// A wide window, so one test can use several fresh codes without waiting for the clock.
const MFA = { window: 3, maxFailures: 3, lockoutSeconds: 300 };

beforeAll(async () => {
  s = await startSamlConsoleBroker({ extra: { mfa: MFA } });
}, 60_000);
afterAll(async () => {
  await s?.close();
});

/** Reloads with ExampleCorp's provider entry extended by `settings`. */
async function providerSettings(settings: Record<string, unknown>): Promise<void> {
  const config = consoleConfig(s.publicUrl, { mfa: MFA });
  const providers = (config['identityProviders'] as Array<Record<string, unknown>>).map((p) => (p['name'] === PROVIDER ? { ...p, ...settings } : p));
  await s.broker.reload({ ...config, identityProviders: providers });
}

const transient = () => ({ nameId: newId(), nameIdFormat: NAMEID_TRANSIENT });
const signIn = (options: Parameters<SamlConsoleBroker['response']>[0]) => postFromIdp(new Browser(s.broker.url), s.response({ roles: ['Secure'], ...options }));
const federatedDevices = async () => (await s.broker.broker.mfa.list()).filter((d) => d.path.startsWith(`/federated/${PROVIDER}/`));

/** Enrols at the first sign-in of `browser` (already on the enrolment page); the seed. */
async function enrol(browser: Browser, page: { body: string }): Promise<{ seed: string; serial: string }> {
  const { seed, serial } = enrolmentOf(page.body);
  const now = stepAt(Date.now());
  const done = await browser.post('/signin/mfa/enroll', { ...form(page.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
  expect(done.status, pageText(done.body).slice(0, 300)).toBe(200); // "Your MFA device … is active", signed in
  return { seed, serial };
}

describe('security.md Found by review: MFA devices keyed on a stable identifier', () => {
  it('a transient NameID at an MFA step with no device → no enrolment, a page saying MFA needs a persistent identifier or mfaSubject', async () => {
    const before = (await federatedDevices()).length;
    for (let i = 0; i < 2; i++) {
      const page = await signIn(transient());
      expect(page.status).toBe(403);
      const text = pageText(page.body);
      expect(text).toContain('MFA needs a stable identifier');
      expect(text).toContain('transient');
      expect(text).toContain('persistent NameID');
      expect(text).toContain('mfaSubject');
      expect(forms(page.body, '/signin/mfa/enroll')).toHaveLength(0);
      expect(page.body).not.toMatch(/enter this key by hand/);
    }
    expect(await federatedDevices()).toHaveLength(before);
  });

  it('AssumeRoleWithSAML step-up for a transient subject → AccessDenied, even with a device enrolled under that value before the fix', async () => {
    const nameId = newId();
    // A device that an enrolment before this fix would have left under the transient value.
    const owner = { kind: 'federated' as const, provider: PROVIDER, subject: nameId };
    const created = await s.broker.broker.mfa.createFederatedDevice({ provider: PROVIDER, subject: nameId });
    const now = stepAt(Date.now());
    await s.broker.broker.mfa.enable(created.device.serial, owner, await codeOfStep(created.seedBase32, now - 1), await codeOfStep(created.seedBase32, now));
    const assertion = s.response({ nameId, nameIdFormat: NAMEID_TRANSIENT, attributes: { [AWS_ROLE]: [rolePair('Secure')], [AWS_ROLE_SESSION_NAME]: ['transient-user'] } });
    const r = await stsQuery(s.broker.url, {
      Action: 'AssumeRoleWithSAML', RoleArn: roleArn('Secure'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion,
      SerialNumber: created.device.serial, TokenCode: await codeOfStep(created.seedBase32, now + 1),
    });
    expect(r.status).toBe(403);
    expect(awsError(r)).toMatchObject({ code: 'AccessDenied' });
    expect(awsError(r).message).toContain('transient');
  });

  it('mfaSubject: saml:attr/employeeId → the device belongs to the employee id: found again under another transient NameID, also for the API step-up', async () => {
    await providerSettings({ mfaSubject: 'saml:attr/employeeId' });
    try {
      const employee = { employeeId: 'E-1001' };
      const browser = new Browser(s.broker.url);
      const first = await postFromIdp(browser, s.response({ roles: ['Secure'], ...transient(), attributes: employee }));
      expect(first.status, pageText(first.body).slice(0, 300)).toBe(200);
      const { seed, serial } = await enrol(browser, first);
      expect(serial).toBe(s.broker.broker.mfa.federatedSerial(PROVIDER, 'E-1001'));

      const again = await signIn({ ...transient(), attributes: employee });
      expect(forms(again.body, '/signin/mfa/enroll')).toHaveLength(0);
      expect(pageText(again.body)).toContain(serial);

      const now = stepAt(Date.now());
      const assertion = s.response({ ...transient(), attributes: { ...employee, [AWS_ROLE]: [rolePair('Secure')], [AWS_ROLE_SESSION_NAME]: ['employee'] } });
      const api = await stsQuery(s.broker.url, { Action: 'AssumeRoleWithSAML', RoleArn: roleArn('Secure'), PrincipalArn: PROVIDER_ARN, SAMLAssertion: assertion, SerialNumber: serial, TokenCode: await codeOfStep(seed, now + 1) });
      expect(api.status, api.body).toBe(200);

      // Without the attribute nothing identifies the person: refused, naming the attribute.
      const missing = await signIn(transient());
      expect(missing.status).toBe(403);
      expect(pageText(missing.body)).toContain('employeeId');
      expect(forms(missing.body, '/signin/mfa/enroll')).toHaveLength(0);
    } finally {
      await providerSettings({});
    }
  });

  it('subjectCase: insensitive → Carol@Example.com and CAROL@example.com are one person with one device', async () => {
    await providerSettings({ subjectCase: 'insensitive' });
    try {
      const browser = new Browser(s.broker.url);
      const first = await postFromIdp(browser, s.response({ roles: ['Secure'], nameId: 'Carol@Example.com' }));
      const { serial } = await enrol(browser, first);
      expect(serial).toBe(s.broker.broker.mfa.federatedSerial(PROVIDER, 'carol@example.com'));
      const other = await signIn({ nameId: 'CAROL@example.com' });
      expect(other.status).toBe(200);
      expect(forms(other.body, '/signin/mfa/enroll')).toHaveLength(0);
      expect(pageText(other.body)).toContain(serial);
    } finally {
      await providerSettings({});
    }
  });

  it('a device enrolled before subjectCase was set is asked for, and moved to the new identifier once one of its codes is accepted', async () => {
    const browser = new Browser(s.broker.url);
    const first = await postFromIdp(browser, s.response({ roles: ['Secure'], nameId: 'Dave@Example.com' }));
    const { seed, serial } = await enrol(browser, first);
    await providerSettings({ subjectCase: 'insensitive' });
    try {
      const prompt = await postFromIdp(browser, s.response({ roles: ['Secure'], nameId: 'Dave@Example.com' }));
      expect(forms(prompt.body, '/signin/mfa/enroll')).toHaveLength(0);
      expect(pageText(prompt.body)).toContain(serial);
      const now = stepAt(Date.now());
      const ok = await browser.post('/signin/mfa', { ...form(prompt.body, '/signin/mfa').fields, code: await codeOfStep(seed, now + 1) });
      expect(ok.status).toBe(302);
      expect((await s.broker.broker.mfa.get(serial))?.ownerKey).toBe(`federated:${PROVIDER}|dave@example.com`);
      // Any spelling now finds it.
      const lower = await signIn({ nameId: 'dave@example.com' });
      expect(pageText(lower.body)).toContain(serial);
      expect(forms(lower.body, '/signin/mfa/enroll')).toHaveLength(0);
    } finally {
      await providerSettings({});
    }
  });
});
