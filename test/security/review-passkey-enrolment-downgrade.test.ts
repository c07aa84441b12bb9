/**
 * Found by review — who may add a passkey in the access portal (passkeys.md, fedbroker:MfaMethod):
 *
 * - a person who already has a passkey adds another only after a fresh MFA *by a passkey*: a phished
 *   IdP sign-in (or TOTP code) must not let the phisher register their own passkey, which would then
 *   open every role that demands fedbroker:MfaMethod = webauthn;
 * - with `mfa.federatedEnrollment: admin-only`, a first factor comes only from an administrator's
 *   `fedbroker mfa enrol` link — an MFA asserted by the IdP does not replace it;
 * - a person with an authenticator app and no passkey, at a step only a passkey passes, is not offered
 *   an enrolment that the POST then always refuses (an endless loop): they are sent to the portal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { Browser, form, forms, pageText, type Page } from '../helpers/browser.js';
import type { StartedBroker } from '../helpers/broker.js';
import { codeOfStep } from '../helpers/consoleSaml.js';
import { startPasskeyBroker } from '../helpers/passkeyBroker.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { signInThroughDevIdp } from '../helpers/ssoBroker.js';

function optionsOf(html: string, action: string): { challenge: string; rpId?: string; rp: { id?: string } } {
  const m = new RegExp(`<form method="post" action="${action}" data-webauthn="[a-z]+" data-webauthn-options="([^"]*)"`).exec(html);
  if (m === null) throw new Error(`no passkey form posting to ${action}: ${pageText(html).slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as never;
}

/** `user` signed in to the portal in a fresh browser (alice: MFA at the IdP), and the portal page. */
async function portalOf(b: StartedBroker, user: string): Promise<{ browser: Browser; portal: Page }> {
  const browser = new Browser(b.url);
  await signInThroughDevIdp(browser, user, '/start');
  return { browser, portal: await browser.get('/start') };
}

describe('first-sign-in enrolment (the default)', () => {
  let b: StartedBroker;
  const first = new SoftAuthenticator();
  beforeAll(async () => {
    b = await startPasskeyBroker();
  }, 60_000);
  afterAll(async () => b?.close());

  it('a second passkey needs a fresh passkey MFA: the IdP\'s MFA only leads to the passkey step', async () => {
    // alice's first passkey, with her IdP MFA.
    const one = await portalOf(b, 'alice');
    const page = await one.browser.post('/start/passkeys/new', form(one.portal.body, '/start/passkeys/new').fields);
    const added = await one.browser.post('/start/passkeys/add', { ...form(page.body, '/start/passkeys/add').fields, response: JSON.stringify(first.register(optionsOf(page.body, '/start/passkeys/add'), { origin: b.url })) });
    expect(added.location).toBe('/start?notice=passkey-added');

    // Someone with alice's IdP sign-in (MFA included), in another browser, tries to add theirs.
    const two = await portalOf(b, 'alice');
    const attempt = await two.browser.post('/start/passkeys/new', form(two.portal.body, '/start/passkeys/new').fields);
    expect(forms(attempt.body, '/start/passkeys/add')).toEqual([]);
    expect(forms(attempt.body, '/signin/mfa')).toEqual([]);
    const step = optionsOf(attempt.body, '/signin/webauthn');
    const intruder = new SoftAuthenticator();
    const refused = await two.browser.post('/signin/webauthn', { ...form(attempt.body, '/signin/webauthn').fields, response: JSON.stringify(intruder.assert(step, { origin: b.url })) });
    expect(refused.status).toBe(403);
    expect(await b.broker.store.getWebauthnCredential(intruder.id)).toBeNull();

    // alice herself, with her passkey: verified, then the passkey can be added.
    const again = await two.browser.post('/start/passkeys/new', form(two.portal.body, '/start/passkeys/new').fields);
    const verified = await two.browser.post('/signin/webauthn', { ...form(again.body, '/signin/webauthn').fields, response: JSON.stringify(first.assert(optionsOf(again.body, '/signin/webauthn'), { origin: b.url })) });
    expect(verified.location).toContain('/start?notice=verified-add');
    const portal = await two.browser.get('/start');
    const second = new SoftAuthenticator();
    const page2 = await two.browser.post('/start/passkeys/new', form(portal.body, '/start/passkeys/new').fields);
    const added2 = await two.browser.post('/start/passkeys/add', { ...form(page2.body, '/start/passkeys/add').fields, response: JSON.stringify(second.register(optionsOf(page2.body, '/start/passkeys/add'), { origin: b.url })) });
    expect(added2.location).toBe('/start?notice=passkey-added');
  }, 60_000);

  it('an authenticator app and no passkey, at a passkey-only step: sent to the portal, not into a loop', async () => {
    // bob: a TOTP device, no passkey.
    const owner = { kind: 'federated' as const, provider: 'FedbrokerDev', subject: 'bob' };
    const enrolment = await b.broker.mfa.federatedEnrolment({ provider: owner.provider, subject: owner.subject });
    const now = stepAt(Date.now());
    await b.broker.mfa.enable(enrolment.device.serial, owner, await codeOfStep(enrolment.seedBase32, now - 1), await codeOfStep(enrolment.seedBase32, now));

    const { browser, portal } = await portalOf(b, 'bob');
    const verify = forms(portal.body, '/start/mfa').find((f) => f.fields['method'] === 'webauthn')!;
    const step = await browser.post(verify.action, verify.fields);
    expect(step.status).toBe(403);
    expect(forms(step.body, '/signin/webauthn/enroll')).toEqual([]);
    expect(pageText(step.body)).toContain('Add one in the access portal');
    expect(step.body).toContain('href="/start"');
  }, 60_000);
});

describe('admin-only enrolment', () => {
  let b: StartedBroker;
  beforeAll(async () => {
    b = await startPasskeyBroker({ mfa: { federatedEnrollment: 'admin-only' } });
  }, 60_000);
  afterAll(async () => b?.close());

  it('a first passkey is not added from the portal without an enrolment link, even with the IdP\'s MFA', async () => {
    const { browser, portal } = await portalOf(b, 'alice');
    const attempt = await browser.post('/start/passkeys/new', form(portal.body, '/start/passkeys/new').fields);
    expect(forms(attempt.body, '/start/passkeys/add')).toEqual([]);
    expect(attempt.status).toBe(403);
    expect(pageText(attempt.body)).toContain('enrolment link');
    expect(await b.broker.passkeys.list({ kind: 'federated', provider: 'FedbrokerDev', subject: 'alice' })).toEqual([]);
  }, 60_000);
});
