/**
 * security.md "WebAuthn: wrong origin or rpId, replayed challenge, counter going backwards, assertion
 * of a removed credential → refusal, audited; the sign-in state is not advanced", plus passkeys.md's
 * "removing a passkey needs a fresh MFA", the stable-subject rule, and a role demanding
 * fedbroker:MfaMethod = webauthn refusing a TOTP step-up. Against a running broker, a cookie-keeping
 * fetch browser and a software authenticator (the hostile answers no real browser would send).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepAt } from '../../src/mfa/totp.js';
import { Browser, form, forms, pageText, type Page } from '../helpers/browser.js';
import type { StartedBroker } from '../helpers/broker.js';
import { codeOfStep, enrolmentOf, postFromIdp, signInFromBroker, startSamlConsoleBroker, type SamlConsoleBroker } from '../helpers/consoleSaml.js';
import { NAMEID_TRANSIENT, newId } from '../helpers/samlIdp.js';
import { startPasskeyBroker } from '../helpers/passkeyBroker.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { signInThroughDevIdp } from '../helpers/ssoBroker.js';

let b: StartedBroker;
const key = new SoftAuthenticator();

/** The ceremony options a passkey form carries (data-webauthn-options), decoded. */
function optionsOf(html: string, action: string): { challenge: string; rpId?: string; rp: { id?: string } } {
  const m = new RegExp(`<form method="post" action="${action}" data-webauthn="[a-z]+" data-webauthn-options="([^"]*)"`).exec(html);
  if (m === null) throw new Error(`no passkey form posting to ${action}: ${pageText(html).slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as never;
}

/** Audit events of `name`, newest first, from the audit file (the store's mirror may lag). */
function events(name: string): Array<Record<string, any>> {
  const lines = readFileSync(join(b.dir, 'data/audit.jsonl'), 'utf8').trim().split('\n');
  return lines.map((l) => JSON.parse(l) as Record<string, any>).filter((e) => e['eventName'] === name).reverse();
}

async function refusals(reason: string): Promise<Array<Record<string, any>>> {
  return events('PasskeyAuthentication').filter((e) => e['additionalEventData']?.['reason'] === reason);
}

/** bob at the MFA step of a console sign-in as `role` (a fresh browser): the page. */
async function mfaStep(role: string): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(b.url);
  const picker = await signInThroughDevIdp(browser, 'bob', `${b.url}/console`);
  const choice = forms(picker.body, '/signin/role').find((f) => f.fields['role']?.endsWith(`/${role}`));
  if (choice === undefined) throw new Error(`no ${role} on the picker: ${pageText(picker.body).slice(0, 400)}`);
  return { browser, page: await browser.post(choice.action, choice.fields) };
}

/** Answers the passkey form of an MFA step page with `response` (defaults: a correct assertion). */
async function answer(step: { browser: Browser; page: Page }, make?: (options: ReturnType<typeof optionsOf>) => Record<string, unknown>): Promise<Page> {
  const options = optionsOf(step.page.body, '/signin/webauthn');
  const response = make ? make(options) : key.assert(options, { origin: b.url });
  return step.browser.post('/signin/webauthn', { ...form(step.page.body, '/signin/webauthn').fields, response: JSON.stringify(response) });
}

/** Registers `key` as one of bob's passkeys through the passkey service (its own ceremony); its id. */
async function addPasskey(key: SoftAuthenticator): Promise<string> {
  const scope = { owner: { kind: 'federated' as const, provider: 'FedbrokerDev', subject: 'bob' }, binding: 'test' };
  const options = await b.broker.passkeys.registrationOptions(scope, { name: 'bob', displayName: 'bob' });
  return (await b.broker.passkeys.register(scope, options.challenge, 'Spare', key.register(options, { origin: b.url }))).id;
}

const signedIn = (page: Page) => page.status === 302 && page.setCookies.some((c) => c.startsWith('fedbroker_session='));

beforeAll(async () => {
  b = await startPasskeyBroker();
  // bob adds the software key from the portal (first factor, first-sign-in enrolment allowed).
  const browser = new Browser(b.url);
  await signInThroughDevIdp(browser, 'bob', '/start');
  const portal = await browser.get('/start');
  const page = await browser.post('/start/passkeys/new', form(portal.body, '/start/passkeys/new').fields);
  const added = await browser.post('/start/passkeys/add', { ...form(page.body, '/start/passkeys/add').fields, name: 'Soft key', response: JSON.stringify(key.register(optionsOf(page.body, '/start/passkeys/add'), { origin: b.url })) });
  expect(added.location).toBe('/start?notice=passkey-added');
}, 60_000);

afterAll(async () => {
  await b?.close();
});

describe('security.md WebAuthn row', () => {
  it('an answer made for another origin, or for another rpId → refused, audited, no session', async () => {
    const otherOrigin = await answer(await mfaStep('Operator'), (o) => key.assert(o, { origin: 'https://login.evil.example' }));
    expect(otherOrigin.status).toBe(403);
    expect(signedIn(otherOrigin)).toBe(false);
    // The step is shown again (a new challenge), not advanced.
    expect(optionsOf(otherOrigin.body, '/signin/webauthn').challenge).toBeDefined();
    const otherRp = await answer(await mfaStep('Operator'), (o) => key.assert(o, { origin: b.url, rpId: 'evil.example' }));
    expect(otherRp.status).toBe(403);
    expect(signedIn(otherRp)).toBe(false);
    expect((await refusals('verification')).length).toBeGreaterThanOrEqual(2);
  });

  it('a replayed answer → refused: the same form again is spent; the same assertion on a new step fails its challenge', async () => {
    const step = await mfaStep('Operator');
    const options = optionsOf(step.page.body, '/signin/webauthn');
    const assertion = key.assert(options, { origin: b.url });
    const fields = { ...form(step.page.body, '/signin/webauthn').fields, response: JSON.stringify(assertion) };
    expect(signedIn(await step.browser.post('/signin/webauthn', fields))).toBe(true);
    const again = await step.browser.post('/signin/webauthn', fields);
    expect(again.status).toBe(400);
    expect(signedIn(again)).toBe(false);
    const replayed = await answer(await mfaStep('Operator'), () => assertion);
    expect(replayed.status).toBe(403);
    expect(signedIn(replayed)).toBe(false);
  });

  it('a challenge is single use in the store: a state re-sealed with a spent challenge gets nothing', async () => {
    const step = await mfaStep('Operator');
    const options = optionsOf(step.page.body, '/signin/webauthn');
    const owner = { kind: 'federated' as const, provider: 'FedbrokerDev', subject: 'bob' };
    await b.broker.passkeys.authenticate({ owner, binding: 'signin' }, options.challenge, key.assert(options, { origin: b.url }));
    const late = await answer(step, (o) => key.assert(o, { origin: b.url }));
    expect(late.status).toBe(403);
    expect((await refusals('challenge')).length).toBeGreaterThanOrEqual(1);
  });

  it('a signature counter going backwards (a cloned key) → refused and audited as such', async () => {
    const before = key.signCount;
    key.signCount = 0; // the clone's counter, behind the original's
    const cloned = await answer(await mfaStep('Operator'));
    key.signCount = before;
    expect(cloned.status).toBe(403);
    expect(pageText(cloned.body)).toContain('counter');
    expect(signedIn(cloned)).toBe(false);
    const [event] = await refusals('counter');
    expect(event).toMatchObject({ errorCode: 'AccessDenied', requestParameters: { credentialName: 'Soft key' } });
    // Never the credential id in full.
    expect(JSON.stringify(event)).not.toContain(key.id);
  });

  it('removal from the portal without a fresh MFA → refused (step-up first) and audited; the assertion of a removed passkey → refused', async () => {
    const portal = new Browser(b.url);
    await signInThroughDevIdp(portal, 'bob', '/start');
    const page = await portal.get('/start');
    const removal = await portal.post('/start/passkeys/remove', form(page.body, '/start/passkeys/remove').fields);
    expect(removal.status).toBe(200);
    expect(optionsOf(removal.body, '/signin/webauthn').challenge).toBeDefined(); // the MFA step, first
    expect(await b.broker.store.getWebauthnCredential(key.id)).not.toBeNull();
    const refused = events('DeletePasskey');
    expect(refused[0]).toMatchObject({ errorCode: 'AccessDenied', additionalEventData: { reason: 'no-fresh-mfa' } });

    // With the passkey's fresh MFA, the removal goes through.
    const stepped = await portal.post('/signin/webauthn', { ...form(removal.body, '/signin/webauthn').fields, response: JSON.stringify(key.assert(optionsOf(removal.body, '/signin/webauthn'), { origin: b.url })) });
    expect(stepped.location).toContain('/start?notice=verified-remove');
    const again = await portal.get('/start');
    expect((await portal.post('/start/passkeys/remove', form(again.body, '/start/passkeys/remove').fields)).location).toBe('/start?notice=passkey-removed');
    expect(await b.broker.store.getWebauthnCredential(key.id)).toBeNull();

    // Its assertion now (a step that still offers a passkey: another of bob's keys).
    const spare = new SoftAuthenticator();
    await b.broker.store.createWebauthnCredential({ id: spare.id, owner: { kind: 'federated', provider: 'FedbrokerDev', subject: 'bob' }, ownerKey: '', name: 'Spare', publicKey: 'AA', counter: 0, transports: [], createdAt: Date.now(), lastUsedAt: null });
    const removed = await answer(await mfaStep('Operator'));
    expect(removed.status).toBe(403);
    expect(signedIn(removed)).toBe(false);
    expect((await refusals('unknown-credential')).length).toBeGreaterThanOrEqual(1);
    await b.broker.store.deleteWebauthnCredential(spare.id);
  });
});

describe('fedbroker:MfaMethod = webauthn', () => {
  it('a role demanding a passkey offers no TOTP form, and a TOTP code posted anyway is refused', async () => {
    // carol-like case with bob: enrol a TOTP device too (Operator step, passkey gone from the previous test).
    const { browser, page } = await mfaStep('Operator');
    const { seed } = enrolmentOf(page.body);
    const now = stepAt(Date.now());
    const enrolled = await browser.post('/signin/mfa/enroll', { ...form(page.body, '/signin/mfa/enroll').fields, code1: await codeOfStep(seed, now - 1), code2: await codeOfStep(seed, now) });
    expect(enrolled.status).toBe(200);

    const guardian = await mfaStep('Guardian');
    // bob has no passkey now: Guardian offers no TOTP prompt — and no enrolment beside his app (the portal adds one).
    expect(forms(guardian.page.body, '/signin/mfa')).toEqual([]);
    expect(guardian.page.status).toBe(403);
    expect(pageText(guardian.page.body)).toContain('Add one in the access portal');

    // With a passkey as well, the step asks for it alone; a TOTP code posted with its state is refused.
    const spare = await addPasskey(new SoftAuthenticator());
    const step = await mfaStep('Guardian');
    expect(forms(step.page.body, '/signin/mfa')).toEqual([]);
    const fields = form(step.page.body, '/signin/webauthn').fields;
    const totp = await step.browser.post('/signin/mfa', { ...fields, code: await codeOfStep(seed, now + 1) });
    expect(totp.status).toBe(403);
    expect(pageText(totp.body)).toContain('requires a passkey');
    expect(signedIn(totp)).toBe(false);
    await b.broker.passkeys.remove(spare, undefined);
  });

  it('the portal\'s "Verify with a passkey" for such a role asks for a passkey only, and refuses a TOTP code', async () => {
    const browser = new Browser(b.url);
    await signInThroughDevIdp(browser, 'bob', '/start');
    const portal = await browser.get('/start');
    const verify = forms(portal.body, '/start/mfa').find((f) => f.fields['method'] === 'webauthn');
    expect(verify).toBeDefined();
    // bob has a TOTP device (previous test) but no passkey: no TOTP prompt; he is sent to add a passkey here.
    const none = await browser.post(verify!.action, verify!.fields);
    expect(forms(none.body, '/signin/mfa')).toEqual([]);
    expect(pageText(none.body)).toContain('Add one in the access portal');
    // With a passkey: the passkey alone is asked for, and a TOTP code is refused.
    const spare = await addPasskey(new SoftAuthenticator());
    const step = await browser.post(verify!.action, verify!.fields);
    expect(forms(step.body, '/signin/mfa')).toEqual([]);
    const totp = await browser.post('/signin/mfa', { ...form(step.body, '/signin/webauthn').fields, code: '123456' });
    expect(totp.status).toBe(403);
    expect(pageText(totp.body)).toContain('requires a passkey');
    await b.broker.passkeys.remove(spare, undefined);
    // "Verify with MFA" (no method) still offers the TOTP prompt.
    const either = forms(portal.body, '/start/mfa').find((f) => f.fields['method'] === undefined);
    if (either !== undefined) expect(forms((await browser.post(either.action, either.fields)).body, '/signin/mfa')).not.toEqual([]);
  });

  it('a wrong TOTP code shows the same step again, the passkey still offered beside the app', async () => {
    const spare = new SoftAuthenticator();
    const id = await addPasskey(spare);
    const step = await mfaStep('Operator');
    expect(forms(step.page.body, '/signin/mfa')).toHaveLength(1);
    const wrong = await step.browser.post('/signin/mfa', { ...form(step.page.body, '/signin/mfa').fields, code: '000000' });
    expect(wrong.status).toBe(403);
    expect(pageText(wrong.body)).toContain('That code is not right');
    expect(signedIn(wrong)).toBe(false);
    // Both ways on: the passkey answers the refreshed step.
    expect(forms(wrong.body, '/signin/mfa')).toHaveLength(1);
    const options = optionsOf(wrong.body, '/signin/webauthn');
    const passed = await step.browser.post('/signin/webauthn', { ...form(wrong.body, '/signin/webauthn').fields, response: JSON.stringify(spare.assert(options, { origin: b.url })) });
    expect(signedIn(passed)).toBe(true);
    await b.broker.passkeys.remove(id, undefined);
  });
});

describe('the stable-subject rule for passkeys', () => {
  let s: SamlConsoleBroker;
  beforeAll(async () => {
    // A host name as public URL (behind a proxy, say): passkeys are available there, so the rule is what refuses.
    s = await startSamlConsoleBroker({ publicUrl: 'http://localhost:18443' });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });
  const transient = () => ({ nameId: newId(), nameIdFormat: NAMEID_TRANSIENT });

  it('a transient NameID is offered no passkey at an MFA step, and cannot add one in the portal', async () => {
    const step = await postFromIdp(new Browser(s.broker.url), s.response({ roles: ['Secure'], ...transient() }));
    expect(step.status).toBe(403);
    expect(pageText(step.body)).toContain('MFA needs a stable identifier');
    expect(step.body).not.toContain('data-webauthn');

    const browser = new Browser(s.broker.url);
    await signInFromBroker(browser, s, `${s.publicUrl}/start`, { roles: ['Secure'], ...transient() });
    const portal = await browser.get('/start');
    expect(portal.status).toBe(200);
    const add = await browser.post('/start/passkeys/new', form(portal.body, '/start/passkeys/new').fields);
    expect(add.status).toBe(403);
    expect(pageText(add.body)).toContain('Passkeys need a stable identifier');
    expect(add.body).not.toContain('data-webauthn');
    expect(await s.broker.broker.store.listWebauthnCredentials()).toEqual([]);
  });
});
