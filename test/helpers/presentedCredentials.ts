/**
 * Every way a running broker accepts credentials it issued, as a client or a browser uses them: the
 * Query API (a SigV4-signed GetCallerIdentity), the federation endpoint (getSigninToken), a console
 * session cookie (opened through the federation endpoint), and POST /authorize (the `credentials`
 * form, asked by a service with its own keys). For the tests of "one `is this session still valid?`".
 *
 *   const paths = credentialPaths(broker.url, SERVICE_KEYS, publicUrl);
 *   const cookie = await paths.openConsole(keys);       // before the change under test
 *   await paths.accepted(keys, cookie)                   // { queryApi, federation, console, authorize }
 */
import { askAuthorize } from './authorize.js';
import { stsQuery, type Keys } from './stsHttp.js';

/** Which paths still accept the credentials (true) or refuse them (false). */
export interface Acceptance {
  readonly queryApi: boolean;
  readonly federation: boolean;
  readonly console: boolean;
  readonly authorize: boolean;
}

/** `publicUrl`: the broker's configured public URL (its /console is always an allowed Destination). */
export function credentialPaths(baseUrl: string, service: Keys, publicUrl = baseUrl) {
  const session = (c: Keys) => JSON.stringify({ sessionId: c.accessKeyId, sessionKey: c.secretAccessKey, sessionToken: c.sessionToken });
  const getSigninToken = (c: Keys) => fetch(`${baseUrl}/federation?${new URLSearchParams({ Action: 'getSigninToken', Session: session(c) })}`);

  const authorize = (c: Keys) => askAuthorize(baseUrl, { credentials: c, action: 's3:GetObject', resource: '*' }, service);

  return {
    /** A console session cookie for these credentials (`name=value`), through getSigninToken and login. */
    async openConsole(c: Keys): Promise<string> {
      const token = (await (await getSigninToken(c)).json()) as { SigninToken?: string };
      if (token.SigninToken === undefined) throw new Error('getSigninToken refused the credentials');
      const login = await fetch(`${baseUrl}/federation?${new URLSearchParams({ Action: 'login', Destination: `${publicUrl}/console`, SigninToken: token.SigninToken })}`, { redirect: 'manual' });
      const cookie = login.headers.getSetCookie().find((s) => s.startsWith('fedbroker_session='))?.split(';')[0];
      if (cookie === undefined || cookie === 'fedbroker_session=') throw new Error(`login refused: ${login.status}`);
      return cookie;
    },

    async accepted(c: Keys, consoleCookie: string): Promise<Acceptance> {
      const consolePage = await (await fetch(`${baseUrl}/console`, { headers: { cookie: consoleCookie } })).text();
      return {
        queryApi: (await stsQuery(baseUrl, { Action: 'GetCallerIdentity' }, { credentials: c })).status === 200,
        federation: (await getSigninToken(c)).status === 200,
        console: consolePage.includes('action="/console/logout"'),
        authorize: (await authorize(c)).status === 200,
      };
    },
  };
}

export const EVERYWHERE: Acceptance = { queryApi: true, federation: true, console: true, authorize: true };
export const NOWHERE: Acceptance = { queryApi: false, federation: false, console: false, authorize: false };
