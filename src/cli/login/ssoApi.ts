/**
 * The few SSO OIDC and SSO portal calls `fedbroker login` makes, as plain fetches of the REST-JSON
 * operations (the SDK is not a runtime dependency). Errors carry AWS's exception name
 * (`x-amzn-ErrorType`).
 */
const TIMEOUT_MS = 15_000;

export class SsoCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(`${type}: ${message}`);
  }
}

export interface Registration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientSecretExpiresAt: number;
}

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  readonly expiresIn: number;
  readonly interval: number;
}

export interface Tokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken?: string;
}

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms. */
  readonly expiration: number;
}

async function call<T>(url: string, init: { method: 'GET' | 'POST'; body?: object; token?: string }): Promise<T> {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token !== undefined ? { 'x-amz-sso_bearer_token': init.token } : {}),
      'user-agent': 'fedbroker-login',
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(TIMEOUT_MS),
    redirect: 'error',
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  if (response.status !== 200) {
    const type = (response.headers.get('x-amzn-errortype') ?? `HTTP${response.status}`).split(':')[0]!;
    const message = String(body['error_description'] ?? body['message'] ?? text.slice(0, 200));
    throw new SsoCallError(type, message, response.status);
  }
  return body as T;
}

export class SsoApi {
  constructor(private readonly base: string) {}

  registerClient(clientName: string): Promise<Registration> {
    return call(`${this.base}/sso-oidc/client/register`, { method: 'POST', body: { clientName, clientType: 'public', scopes: ['sso:account:access'], grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'] } });
  }

  startDeviceAuthorization(reg: Registration, startUrl: string): Promise<DeviceAuthorization> {
    return call(`${this.base}/sso-oidc/device_authorization`, { method: 'POST', body: { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl } });
  }

  deviceToken(reg: Pick<Registration, 'clientId' | 'clientSecret'>, deviceCode: string): Promise<Tokens> {
    return call(`${this.base}/sso-oidc/token`, { method: 'POST', body: { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode } });
  }

  refresh(reg: Pick<Registration, 'clientId' | 'clientSecret'>, refreshToken: string): Promise<Tokens> {
    return call(`${this.base}/sso-oidc/token`, { method: 'POST', body: { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken } });
  }

  async roleCredentials(accessToken: string, accountId: string, roleName: string): Promise<RoleCredentials> {
    const query = new URLSearchParams({ account_id: accountId, role_name: roleName });
    const body = await call<{ roleCredentials: RoleCredentials }>(`${this.base}/sso-portal/federation/credentials?${query}`, { method: 'GET', token: accessToken });
    return body.roleCredentials;
  }
}
