/**
 * `fedbroker signin-url` (api.md §8) as a script uses it: temporary credentials in the environment →
 * a console sign-in URL from the running broker → that URL signs a browser in, once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';
import { createStsFixture, PORTAL, PUBLIC_URL, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { credentialsOf, stsQuery } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;
beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
});
afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const envOf = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
  AWS_ACCESS_KEY_ID: c.accessKeyId,
  AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
  AWS_SESSION_TOKEN: c.sessionToken ?? '',
});

it('prints a one-time login URL for the credentials in the environment', async () => {
  const creds = credentialsOf(await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('WebDev'), RoleSessionName: 'script' }, { credentials: PORTAL }));
  const run = await fedbroker(['signin-url', '--url', b.url, '--destination', `${PUBLIC_URL}/console`, '--duration', '3600'], { env: envOf(creds) });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const url = new URL(run.stdout.trim());
  expect(`${url.origin}${url.pathname}`).toBe(`${b.url}/federation`);
  expect(url.searchParams.get('Action')).toBe('login');
  expect(url.searchParams.get('Destination')).toBe(`${PUBLIC_URL}/console`);

  const first = await fetch(url, { redirect: 'manual' });
  expect(first.status).toBe(302);
  expect(first.headers.getSetCookie().join('\n')).toContain('fedbroker_session=');
  expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
}, 60_000);

it('says what is wrong: no credentials (exit 2), credentials the broker refuses (exit 1)', async () => {
  const none = await fedbroker(['signin-url', '--url', b.url], { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' } });
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('temporary credentials are needed');

  const refused = await fedbroker(['signin-url', '--url', b.url], { env: envOf({ ...PORTAL, sessionToken: 'bm90LWEtdG9rZW4=' }) });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('getSigninToken refused: InvalidClientTokenId');
  expect(refused.stderr).not.toContain(PORTAL.secretAccessKey);
}, 60_000);
