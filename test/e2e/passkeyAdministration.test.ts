/**
 * Administrators and passkeys (passkeys.md "Administrators"), with `mfa.federatedEnrollment:
 * admin-only`: without a link a person cannot enrol; `fedbroker mfa enrol --provider --subject`
 * prints a one-use link (15 minutes) with which that person — and only that person, signed in through
 * that provider — adds a passkey; `fedbroker mfa list` shows it and `fedbroker mfa remove` removes it.
 * The broker and the CLI share a SQLite store; the passkey is made by a software authenticator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, form, forms, pageText } from '../helpers/browser.js';
import type { StartedBroker } from '../helpers/broker.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';
import { startPasskeyBroker } from '../helpers/passkeyBroker.js';
import { SoftAuthenticator } from '../helpers/softAuthenticator.js';
import { signInThroughDevIdp } from '../helpers/ssoBroker.js';

let b: StartedBroker;

function optionsOf(html: string, action: string): { challenge: string; rp: { id?: string } } {
  const m = new RegExp(`action="${action}" data-webauthn="[a-z]+" data-webauthn-options="([^"]*)"`).exec(html);
  if (m === null) throw new Error(`no passkey form posting to ${action}: ${pageText(html).slice(0, 400)}`);
  return JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')) as never;
}

beforeAll(async () => {
  b = await startPasskeyBroker({ store: 'sqlite:data/broker.db', mfa: { federatedEnrollment: 'admin-only' } });
}, 60_000);

afterAll(async () => {
  await b?.close();
});

describe('fedbroker mfa enrol | list | remove with passkeys', () => {
  it('admin-only: no link, no enrolment; the link works once, for its person only; list and remove', async () => {
    // Without a link: told to ask an administrator.
    const alone = new Browser(b.url);
    const picker = await signInThroughDevIdp(alone, 'bob', `${b.url}/console`);
    const operator = forms(picker.body, '/signin/role').find((f) => f.fields['role']?.endsWith('/Operator'))!;
    const refused = await alone.post(operator.action, operator.fields);
    expect(refused.status).toBe(403);
    expect(pageText(refused.body)).toContain('Ask an administrator for an enrolment link');

    const enrol = await fedbroker(['mfa', 'enrol', '--provider', 'FedbrokerDev', '--subject', 'bob', '--config', b.configFile]);
    expect(enrol.code, enrol.stderr).toBe(0);
    const link = /^(http\S+\/start\?enrol=\S+)$/m.exec(enrol.stdout)?.[1];
    expect(link, enrol.stdout).toBeDefined();
    expect(enrol.stdout).toContain('works once');
    const path = link!.slice(b.url.length);

    // Someone else with bob's link gets nothing from it.
    const carol = new Browser(b.url);
    await signInThroughDevIdp(carol, 'carol', path);
    const notHers = await carol.get(path);
    expect(notHers.status).toBe(403);
    expect(pageText(notHers.body)).toContain('not for the identity you signed in with');

    // bob: the link asks him to sign in, then offers enrolment (passkey and authenticator app).
    const browser = new Browser(b.url);
    expect(pageText((await browser.get(path)).body)).toContain('Sign in to set up MFA');
    await signInThroughDevIdp(browser, 'bob', path);
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(pageText(page.body)).toContain('Add a passkey');
    const key = new SoftAuthenticator();
    const done = await browser.post('/signin/webauthn/enroll', {
      ...form(page.body, '/signin/webauthn/enroll').fields,
      name: 'YubiKey',
      response: JSON.stringify(key.register(optionsOf(page.body, '/signin/webauthn/enroll'), { origin: b.url })),
    });
    expect(done.status, pageText(done.body).slice(0, 300)).toBe(200);
    expect(pageText(done.body)).toContain('Your passkey YubiKey is registered');
    // Spent.
    expect((await browser.get(path)).status).toBe(403);

    const listed = await fedbroker(['mfa', 'list', '--provider', 'FedbrokerDev', '--subject', 'bob', '--json', '--config', b.configFile]);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    // The passkey, and the authenticator app the same page offered (created, never enabled).
    expect(rows).toContainEqual(expect.objectContaining({ type: 'passkey', credentialId: key.id, owner: 'federated:FedbrokerDev|bob', name: 'YubiKey' }));
    expect(rows.filter((r) => r['type'] !== 'passkey')).toEqual([expect.objectContaining({ owner: 'federated:FedbrokerDev|bob', enabled: false })]);
    const table = await fedbroker(['mfa', 'list', '--config', b.configFile]);
    expect(table.stdout).toContain('PASSKEY ID');
    expect(table.stdout).toContain('YubiKey');

    const removed = await fedbroker(['mfa', 'remove', '--passkey', key.id, '--config', b.configFile]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('Removed the passkey YubiKey of federated:FedbrokerDev|bob');
    expect(await b.broker.store.getWebauthnCredential(key.id)).toBeNull();
    expect((await fedbroker(['mfa', 'remove', '--passkey', key.id, '--config', b.configFile])).code).toBe(1);
    expect((await fedbroker(['mfa', 'enrol', '--provider', 'FedbrokerDev', '--config', b.configFile])).code).toBe(2);
  }, 120_000);

  it('a refused registration puts the link back; of two tabs registering at once, one gets in (the atomic take: test/mfa/enrolmentGrants.test.ts)', async () => {
    const enrol = await fedbroker(['mfa', 'enrol', '--provider', 'FedbrokerDev', '--subject', 'bob', '--config', b.configFile]);
    expect(enrol.code, enrol.stderr).toBe(0);
    const path = /^(http\S+\/start\?enrol=\S+)$/m.exec(enrol.stdout)![1]!.slice(b.url.length);
    const tabs = [new Browser(b.url), new Browser(b.url)];
    const pages: string[] = [];
    for (const tab of tabs) {
      await signInThroughDevIdp(tab, 'bob', path);
      const page = await tab.get(path);
      expect(page.status).toBe(200);
      pages.push(page.body);
    }
    const post = (i: number, response: unknown) =>
      tabs[i]!.post('/signin/webauthn/enroll', { ...form(pages[i]!, '/signin/webauthn/enroll').fields, name: `Key ${i}`, response: JSON.stringify(response) });

    // A broken registration is refused and does not use up the link.
    const broken = await post(0, { id: 'x', rawId: 'x', type: 'public-key', response: {} });
    expect(broken.status).toBe(403);
    expect(await b.broker.store.getItem('mfa-enrol-grant', path.slice(path.indexOf('=') + 1))).not.toBeNull();

    // Both tabs at once, each with a good passkey: one of them gets in.
    const keys = [new SoftAuthenticator(), new SoftAuthenticator()];
    const answers = await Promise.all([0, 1].map((i) => post(i, keys[i]!.register(optionsOf(pages[i]!, '/signin/webauthn/enroll'), { origin: b.url }))));
    const registered = answers.filter((a) => pageText(a.body).includes('is registered'));
    expect(registered).toHaveLength(1);
    const bobs = (await b.broker.store.listWebauthnCredentials()).filter((c) => c.ownerKey === 'federated:FedbrokerDev|bob');
    expect(bobs).toHaveLength(1);
  }, 120_000);
});
