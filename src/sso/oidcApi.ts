/**
 * The SSO OIDC service (`sso-oidc` 2019-06-10, REST-JSON) as plain functions of the request body:
 * RegisterClient, StartDeviceAuthorization and CreateToken (device code, refresh token with rotation,
 * authorization code with PKCE). Bodies are validated here, at the edge; errors are SsoOidcErrors.
 */
import { z } from 'zod';
import type { AuditSink } from '../audit/auditLog.js';
import { AwsError } from '../errors.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RequestInfo } from '../protocol/action.js';
import type { AuthorizationCodes } from './authorizationCodes.js';
import { OIDC_EVENT_SOURCE, recordSsoEvent } from './audit.js';
import { authenticateClient, GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, registerClient, type Client, type GrantType } from './clients.js';
import { formatUserCode } from './codes.js';
import type { DeviceAuthorizations } from './deviceAuthorizations.js';
import { AuthorizationPendingException, InvalidGrantException, InvalidRequestException, InvalidScopeException, SlowDownException, UnauthorizedClientException, UnsupportedGrantTypeException } from './errors.js';
import type { Person } from './person.js';
import type { CliSessions, IssuedTokens } from './sessions.js';
import { isOwnStartUrl, type SsoSettings } from './settings.js';

export interface SsoOidcDeps {
  readonly keyRing: KeyRing;
  readonly devices: DeviceAuthorizations;
  readonly codes: AuthorizationCodes;
  readonly sessions: CliSessions;
  readonly audit: AuditSink;
  settings(): SsoSettings;
  account(): string;
  /** The person is still accepted: provider enabled, subject not revoked, sign-in not over. */
  personValid(person: Person, nowMs: number): boolean;
}

const text = (max: number) => z.string().max(max);
const registerSchema = z.object({
  clientName: text(256).min(1),
  clientType: text(64).min(1),
  scopes: z.array(text(256)).max(25).optional(),
  redirectUris: z.array(text(2048)).max(25).optional(),
  grantTypes: z.array(text(256)).max(10).optional(),
  issuerUrl: text(2048).optional(),
  entitledApplicationArn: text(2048).optional(),
});
const startSchema = z.object({ clientId: text(4096).min(1), clientSecret: text(8192).min(1), startUrl: text(2048).min(1) });
const tokenSchema = z.object({
  clientId: text(4096).min(1),
  clientSecret: text(8192).min(1),
  grantType: text(256).min(1),
  deviceCode: text(8192).optional(),
  code: text(8192).optional(),
  refreshToken: text(8192).optional(),
  scope: z.array(text(256)).max(25).optional(),
  redirectUri: text(2048).optional(),
  codeVerifier: text(256).optional(),
});

/** Validates a JSON body: InvalidRequestException naming the first bad member. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const member = issue.path.join('.') || 'body';
  throw new InvalidRequestException(issue.code === 'invalid_type' && issue.input === undefined ? `${member} is required` : `Invalid ${member}: ${issue.message}`);
}

export class SsoOidc {
  constructor(private readonly deps: SsoOidcDeps) {}

  registerClient(body: unknown, nowMs = Date.now()) {
    const input = parseBody(registerSchema, body);
    const registration = registerClient(this.deps.keyRing, input, nowMs);
    const { publicUrl } = this.deps.settings();
    return { ...registration, authorizationEndpoint: `${publicUrl}/sso-oidc/authorize`, tokenEndpoint: `${publicUrl}/sso-oidc/token` };
  }

  async startDeviceAuthorization(body: unknown, nowMs = Date.now()) {
    const input = parseBody(startSchema, body);
    const client = authenticateClient(this.deps.keyRing, input.clientId, input.clientSecret, nowMs);
    if (!client.grantTypes.includes(GRANT_DEVICE_CODE)) throw new UnauthorizedClientException('The client is not registered for the device_code grant');
    const settings = this.deps.settings();
    if (!isOwnStartUrl(input.startUrl, settings)) throw new InvalidRequestException(`Invalid start URL: this broker's start URL is ${settings.startUrl}`);
    const started = await this.deps.devices.start(client, client.scopes, nowMs);
    const userCode = formatUserCode(started.userCode);
    return {
      deviceCode: started.deviceCode,
      userCode,
      verificationUri: `${settings.publicUrl}/device`,
      verificationUriComplete: `${settings.publicUrl}/device?user_code=${userCode}`,
      expiresIn: started.expiresIn,
      interval: started.interval,
    };
  }

  async createToken(body: unknown, info: RequestInfo) {
    const nowMs = info.receivedAt;
    const input = parseBody(tokenSchema, body);
    const client = authenticateClient(this.deps.keyRing, input.clientId, input.clientSecret, nowMs);
    const grant = input.grantType as GrantType;
    const audited = { clientId: input.clientId, grantType: input.grantType };
    let person: Person | undefined;
    try {
      if (![GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, GRANT_AUTHORIZATION_CODE].includes(grant)) {
        throw new UnsupportedGrantTypeException(`Unsupported grant type: ${input.grantType.slice(0, 128)}`);
      }
      if (!client.grantTypes.includes(grant)) throw new UnauthorizedClientException(`The client is not registered for the ${grant} grant`);
      let tokens: IssuedTokens;
      if (grant === GRANT_REFRESH_TOKEN) {
        if (input.refreshToken === undefined) throw new InvalidRequestException('refreshToken is required for the refresh_token grant');
        tokens = await this.deps.sessions.refresh(input.refreshToken, client, (p) => this.deps.personValid(p, nowMs), nowMs);
        person = tokens.session.person;
      } else {
        const approved = grant === GRANT_DEVICE_CODE ? await this.deviceGrant(input.deviceCode, client, nowMs) : await this.deps.codes.redeem(input, client);
        person = approved.person;
        if (!this.deps.personValid(person, nowMs)) throw new InvalidGrantException('The sign-in that approved this request is no longer valid; sign in again');
        tokens = await this.deps.sessions.start(person, client, this.grantedScopes(approved.scopes, input.scope), nowMs);
      }
      await this.audit(info, person, audited, { clientName: client.name, ssoSessionId: tokens.session.id });
      return { accessToken: tokens.accessToken, tokenType: 'Bearer', expiresIn: tokens.expiresIn, ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}) };
    } catch (e) {
      // Polling is not news: only outcomes are audited (issued, denied, expired, refused).
      if (e instanceof AwsError && !(e instanceof AuthorizationPendingException) && !(e instanceof SlowDownException)) {
        await this.audit(info, person, audited, { clientName: client.name }, e);
      }
      throw e;
    }
  }

  private async deviceGrant(deviceCode: string | undefined, client: Client, nowMs: number) {
    if (deviceCode === undefined || deviceCode === '') throw new InvalidRequestException('deviceCode is required for the device_code grant');
    return this.deps.devices.poll(deviceCode, client, nowMs);
  }

  /** The scopes of the token: those asked for, each one the approval covered; else all of them. */
  private grantedScopes(approved: readonly string[], asked: readonly string[] | undefined): readonly string[] {
    if (asked === undefined || asked.length === 0) return approved;
    for (const scope of asked) if (!approved.includes(scope)) throw new InvalidScopeException(`Invalid scope: ${scope.slice(0, 128)}`);
    return [...new Set(asked)];
  }

  private audit(info: RequestInfo, person: Person | undefined, requestParameters: Record<string, unknown>, extra: Record<string, unknown>, error?: AwsError): Promise<void> {
    return recordSsoEvent(this.deps.audit, this.deps.account(), {
      eventSource: OIDC_EVENT_SOURCE,
      eventName: 'CreateToken',
      info,
      ...(person ? { person } : {}),
      requestParameters,
      additionalEventData: { clientId: requestParameters['clientId'], ...extra },
      ...(error ? { error } : {}),
    });
  }
}
