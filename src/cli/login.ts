/**
 * `fedbroker login`: a credential_process helper for clients that cannot point their SSO endpoints
 * at the broker (Debian's AWS CLI 2.9, older SDKs, other tools):
 *
 *   [profile dev]
 *   credential_process = npx fedbroker login --url https://broker.example.com --account 123456789012 --role Developer
 *
 * 1. Role credentials cached and valid for more than 5 minutes → printed at once (no lock, no network).
 * 2. Otherwise, under a lock (one login per start URL at a time; the others wait and use its result):
 *    the SSO token from the AWS CLI's cache — refreshed silently when it expired and a refresh token
 *    is there — else the device flow: the URL and code on the terminal, a browser opened where one
 *    can be, polling until the person approves.
 * 3. GetRoleCredentials, cached; printed as credential_process JSON (Version 1, Expiration ISO 8601).
 */
import { parseSecureUrl } from '../federation/secureUrl.js';
import { option, type CliArgs } from './argv.js';
import { isoSeconds, LoginCache, type CredentialsCache, type TokenCache } from './login/cache.js';
import { withLock } from './login/lockFile.js';
import { openBrowser, printable, tell } from './login/prompt.js';
import { SsoApi, SsoCallError, type Registration } from './login/ssoApi.js';

const USAGE = 'usage: fedbroker login --url BROKER_URL --account ACCOUNT_ID --role ROLE_NAME [--region REGION] [--no-browser]\n';
/** Role credentials are used until this long before they expire. */
const CREDENTIALS_MARGIN_MS = 5 * 60_000;
/** An access token closer than this to its end is refreshed first. */
const TOKEN_MARGIN_MS = 60_000;
/** A registration closer than this to its end is replaced. */
const REGISTRATION_MARGIN_MS = 24 * 3_600_000;
/** Waiting for another login (which may be a whole device flow). */
const LOCK_WAIT_MS = 11 * 60_000;

export async function login(args: CliArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = option(args, 'url');
  const account = option(args, 'account');
  const role = option(args, 'role');
  if (url === undefined || account === undefined || role === undefined || !/^https?:\/\//.test(url) || !/^\d{12}$/.test(account)) {
    process.stderr.write(`fedbroker login: --url (http(s)://…), --account (12 digits) and --role are required\n${USAGE}`);
    return 2;
  }
  try {
    // Refresh tokens and credentials travel to this URL: plain http only to this machine.
    parseSecureUrl(url, '--url');
  } catch (e) {
    process.stderr.write(`fedbroker login: ${(e as Error).message}\n`);
    return 2;
  }
  const base = url.replace(/\/+$/, '');
  const flow = new Login(new SsoApi(base), new LoginCache(`${base}/start`), option(args, 'region') ?? 'us-east-1', args.options.get('no-browser') !== true, env);
  try {
    const credentials = flow.cachedCredentials(account, role) ?? (await withLock(flow.cache.lockFile, LOCK_WAIT_MS, () => flow.credentials(account, role)));
    process.stdout.write(`${JSON.stringify({ Version: 1, AccessKeyId: credentials.accessKeyId, SecretAccessKey: credentials.secretAccessKey, SessionToken: credentials.sessionToken, Expiration: credentials.expiration })}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`fedbroker login: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
}

class Login {
  constructor(
    private readonly api: SsoApi,
    readonly cache: LoginCache,
    private readonly region: string,
    private readonly browser: boolean,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  cachedCredentials(account: string, role: string): CredentialsCache | undefined {
    const c = this.cache.readCredentials(account, role);
    return c !== undefined && Date.parse(c.expiration) - Date.now() > CREDENTIALS_MARGIN_MS ? c : undefined;
  }

  /** Under the lock: another login may have done the work while we waited. */
  async credentials(account: string, role: string): Promise<CredentialsCache> {
    const cached = this.cachedCredentials(account, role);
    if (cached !== undefined) return cached;
    let accessToken = await this.accessToken();
    let issued;
    try {
      issued = await this.api.roleCredentials(accessToken, account, role);
    } catch (e) {
      // A token the broker no longer accepts (session ended, revoked): sign in again, once.
      if (!(e instanceof SsoCallError) || e.type !== 'UnauthorizedException') throw e;
      accessToken = await this.deviceFlow(this.cache.readToken());
      issued = await this.api.roleCredentials(accessToken, account, role);
    }
    const credentials: CredentialsCache = { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken, expiration: isoSeconds(issued.expiration) };
    this.cache.writeCredentials(account, role, credentials);
    return credentials;
  }

  /** A usable access token: the cached one, a silent refresh, or a new sign-in. */
  private async accessToken(): Promise<string> {
    const token = this.cache.readToken();
    if (token?.accessToken !== undefined && token.expiresAt !== undefined && Date.parse(token.expiresAt) - Date.now() > TOKEN_MARGIN_MS) return token.accessToken;
    if (token?.refreshToken !== undefined && registrationValid(token)) {
      try {
        const tokens = await this.api.refresh({ clientId: token.clientId!, clientSecret: token.clientSecret! }, token.refreshToken);
        this.saveTokens(token, tokens);
        return tokens.accessToken;
      } catch (e) {
        if (!(e instanceof SsoCallError) || e.status >= 500) throw e;
        // The session ended (expired, signed out, refused): a new sign-in follows.
      }
    }
    return this.deviceFlow(token);
  }

  private async deviceFlow(previous: TokenCache | undefined): Promise<string> {
    const registration: Registration =
      previous !== undefined && registrationValid(previous)
        ? { clientId: previous.clientId!, clientSecret: previous.clientSecret!, clientSecretExpiresAt: Date.parse(previous.registrationExpiresAt!) / 1000 }
        : await this.api.registerClient(`fedbroker-login-${process.env['USER'] ?? 'user'}`);
    const device = await this.api.startDeviceAuthorization(registration, this.cache.startUrl);
    tell(`\nfedbroker login: approve this sign-in in your browser.\n  Open: ${printable(device.verificationUriComplete)}\n  Code: ${printable(device.userCode, 64)}\nWaiting for approval (the code expires in ${Math.round(Number(device.expiresIn) / 60)} minutes)…\n`);
    if (this.browser) openBrowser(device.verificationUriComplete, this.env);
    const deadline = Date.now() + device.expiresIn * 1000;
    let interval = device.interval;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      try {
        const tokens = await this.api.deviceToken(registration, device.deviceCode);
        const base: TokenCache = { startUrl: this.cache.startUrl, region: this.region, clientId: registration.clientId, clientSecret: registration.clientSecret, registrationExpiresAt: isoSeconds(registration.clientSecretExpiresAt * 1000) };
        this.saveTokens(base, tokens);
        tell('fedbroker login: approved.\n');
        return tokens.accessToken;
      } catch (e) {
        if (!(e instanceof SsoCallError)) throw e;
        if (e.type === 'AuthorizationPendingException' && Date.now() < deadline) continue;
        if (e.type === 'SlowDownException') {
          interval += 5;
          continue;
        }
        if (e.type === 'AccessDeniedException') throw new Error('the sign-in was denied in the browser');
        if (e.type === 'ExpiredTokenException' || e.type === 'AuthorizationPendingException') throw new Error('the sign-in was not approved in time; run the command again');
        throw e;
      }
    }
  }

  private saveTokens(previous: TokenCache, tokens: { accessToken: string; expiresIn: number; refreshToken?: string }): void {
    const { refreshToken: _old, ...rest } = previous;
    this.cache.writeToken({
      ...rest,
      startUrl: this.cache.startUrl,
      region: previous.region ?? this.region,
      accessToken: tokens.accessToken,
      expiresAt: isoSeconds(Date.now() + tokens.expiresIn * 1000),
      ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
    });
  }
}

function registrationValid(token: TokenCache): boolean {
  return token.clientId !== undefined && token.clientSecret !== undefined && token.registrationExpiresAt !== undefined && Date.parse(token.registrationExpiresAt) - Date.now() > REGISTRATION_MARGIN_MS;
}
