/**
 * Command-line sign-in for the GetRoleCredentials path: what `aws sso login` and a person do, once,
 * before the load — RegisterClient, StartDeviceAuthorization, the person's approval at /device (a
 * sign-in started at the broker: GET /saml/login with RelayState /device?user_code=…, the IdP's signed
 * answer to that AuthnRequest posted to the ACS, then Allow), and CreateToken. Resolves the request the
 * load repeats: GET /sso-portal/federation/credentials with the access token in x-amz-sso_bearer_token.
 */
import { inflateRawSync } from 'node:zlib';

/** A tiny cookie-keeping client (every broker cookie is Path=/ on one host). */
function browser(base) {
  const jar = new Map();
  const send = async (method, path, form) => {
    const res = await fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  };
  return { get: (p) => send('GET', p), post: (p, f) => send('POST', p, f) };
}

async function json(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.headers.get('x-amzn-errortype')} ${JSON.stringify(out)}`);
  return out;
}

/**
 * @returns { path, headers } of GetRoleCredentials for `roleName` in `accountId`, signed in through the
 * SAML provider `provider`; `samlResponseBase64(inResponseTo)` is the IdP's signed answer to the request.
 */
export async function ssoRoleCredentialsRequest({ brokerUrl, provider, samlResponseBase64, accountId, roleName }) {
  const client = await json(`${brokerUrl}/sso-oidc/client/register`, { clientName: 'fedbroker-bench', clientType: 'public', scopes: ['sso:account:access'] });
  const device = await json(`${brokerUrl}/sso-oidc/device_authorization`, { clientId: client.clientId, clientSecret: client.clientSecret, startUrl: `${brokerUrl}/start` });
  const approval = `/device?user_code=${device.userCode}`;
  const b = browser(brokerUrl);
  // The portal and approval pages open only from a sign-in started at the broker (login CSRF).
  const login = await b.get(`/saml/login?${new URLSearchParams({ provider, RelayState: approval })}`);
  if (login.status !== 302 || !login.location) throw new Error(`SAML login failed (${login.status}): ${login.text.slice(0, 300)}`);
  const request = inflateRawSync(Buffer.from(new URL(login.location).searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  const requestId = /\sID="([^"]+)"/.exec(request)?.[1];
  if (!requestId) throw new Error(`no AuthnRequest ID in ${request.slice(0, 300)}`);
  const signedIn = await b.post('/saml', { SAMLResponse: samlResponseBase64(requestId), RelayState: approval });
  if (signedIn.status !== 302) throw new Error(`sign-in for the approval failed (${signedIn.status}): ${signedIn.text.slice(0, 300)}`);
  const page = await b.get(approval);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (!csrf) throw new Error(`no approval form (${page.status}): ${page.text.replace(/<[^>]+>/g, ' ').slice(0, 300)}`);
  const done = await b.post('/device/decision', { csrf, user_code: device.userCode, decision: 'allow' });
  if (done.status !== 200) throw new Error(`approval failed (${done.status})`);
  const token = await json(`${brokerUrl}/sso-oidc/token`, { clientId: client.clientId, clientSecret: client.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: device.deviceCode });
  return {
    path: `/sso-portal/federation/credentials?${new URLSearchParams({ account_id: accountId, role_name: roleName })}`,
    headers: { 'x-amz-sso_bearer_token': token.accessToken },
  };
}
