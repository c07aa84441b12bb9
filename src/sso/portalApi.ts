/**
 * The SSO portal service (`sso` 2019-06-10, REST-JSON): ListAccounts, ListAccountRoles,
 * GetRoleCredentials and Logout, authenticated by the access token in `x-amz-sso_bearer_token`.
 *
 * A token must be genuine (our seal), unexpired, of a CLI session not ended, and its person still
 * accepted (provider enabled, subject not revoked) — else UnauthorizedException; a token is opened once
 * (openedAccessTokens.ts), the rest is checked at every call. Roles are judged for
 * the person at every call (catalog.ts): a role whose trust policy no longer allows them, or that
 * does not exist, is ForbiddenException "No access", the same answer either way.
 */
import type { AuditSink } from '../audit/auditLog.js';
import type { BrokerModel, RoleModel } from '../config/model.js';
import { AwsError } from '../errors.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RequestInfo } from '../protocol/action.js';
import { PORTAL_EVENT_SOURCE, recordSsoEvent, type SsoEvent } from './audit.js';
import { accountsOfRoles } from '../roles/accounts.js';
import { judgePersonRole, judgePersonRoles } from './catalog.js';
import { ForbiddenException, PortalInvalidRequestException, SsoPortalError, TooManyRequestsException, UnauthorizedException } from './errors.js';
import { credentialLifetime, type RoleCredentialIssuer } from './issuer.js';
import type { Person } from './person.js';
import type { CliSessions } from './sessions.js';
import type { SsoSettings } from './settings.js';
import { OpenedAccessTokens } from './openedAccessTokens.js';
import type { AccessTokenClaims } from './tokens.js';

export interface SsoPortalDeps {
  readonly keyRing: KeyRing;
  readonly sessions: CliSessions;
  readonly audit: AuditSink;
  model(): BrokerModel;
  settings(): SsoSettings;
  personValid(person: Person, nowMs: number): boolean;
  /** Where credentials come from (issuer.ts): one function for every role. */
  issuer(): RoleCredentialIssuer;
}

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

export class SsoPortal {
  private readonly openedTokens: OpenedAccessTokens;

  constructor(private readonly deps: SsoPortalDeps) {
    this.openedTokens = new OpenedAccessTokens(deps.keyRing);
  }

  /** The claims of a usable access token, or UnauthorizedException. */
  authenticate(token: unknown, nowMs: number): AccessTokenClaims {
    const claims = this.openedTokens.open(token, nowMs);
    if (claims === undefined || this.deps.sessions.isEnded(claims.sid) || !this.deps.personValid(claims.p, nowMs)) throw new UnauthorizedException();
    this.deps.sessions.touch(claims.sid, nowMs);
    return claims;
  }

  listAccounts(token: unknown, query: URLSearchParams, info: RequestInfo) {
    const claims = this.authenticate(token, info.receivedAt);
    const model = this.deps.model();
    const accounts = accountsOfRoles(model, judgePersonRoles(model, claims.p, info).allowed);
    const page = paginate(accounts, query);
    return { accountList: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  listAccountRoles(token: unknown, query: URLSearchParams, info: RequestInfo) {
    const claims = this.authenticate(token, info.receivedAt);
    const accountId = requiredParam(query, 'account_id');
    const roles = judgePersonRoles(this.deps.model(), claims.p, info).allowed.filter((r) => r.account === accountId);
    if (roles.length === 0) throw new ForbiddenException();
    const page = paginate(
      roles.map((r) => ({ roleName: r.name, accountId })).sort((a, b) => a.roleName.localeCompare(b.roleName)),
      query,
    );
    return { roleList: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async getRoleCredentials(token: unknown, query: URLSearchParams, info: RequestInfo) {
    let claims: AccessTokenClaims | undefined;
    const requestParameters = { accountId: query.get('account_id')?.slice(0, 64) ?? null, roleName: query.get('role_name')?.slice(0, 128) ?? null };
    try {
      claims = this.authenticate(token, info.receivedAt);
      const accountId = requiredParam(query, 'account_id');
      const roleName = requiredParam(query, 'role_name');
      // Re-evaluated now: a role whose policy changed since the approval is refused.
      const role = judgePersonRole(this.deps.model(), claims.p, info, accountId, roleName);
      if (role === undefined) throw new ForbiddenException();
      const credentials = await this.issue(role, claims.p, info.receivedAt).catch((e: unknown) => {
        throw portalErrorOf(e);
      });
      await this.audit(info, claims, requestParameters, { roleArn: role.arn, accessKeyId: credentials.accessKeyId, MFAUsed: claims.p.mfa ? 'Yes' : 'No' }, undefined, credentials.upstream);
      return {
        roleCredentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken,
          expiration: credentials.expiration.getTime(),
        },
      };
    } catch (e) {
      if (e instanceof AwsError && e.httpStatus < 500) await this.audit(info, claims, requestParameters, {}, e);
      throw e;
    }
  }

  /** Credentials of a role for a person through the one issuer (the access portal uses it too). */
  issue(role: RoleModel, person: Person, nowMs: number) {
    const lifetime = credentialLifetime(this.deps.settings().credentialSeconds, role, person, nowMs);
    return this.deps.issuer()({ role, person, lifetime });
  }

  /** Ends the CLI session of the token (its refresh tokens and every access token of it). */
  async logout(token: unknown, info: RequestInfo): Promise<void> {
    const claims = this.authenticate(token, info.receivedAt);
    await this.deps.sessions.end(claims.sid, 'logout', info.receivedAt);
    await recordSsoEvent(this.deps.audit, this.deps.model().account, {
      eventSource: PORTAL_EVENT_SOURCE,
      eventName: 'Logout',
      info,
      person: claims.p,
      additionalEventData: { clientId: claims.cid, clientName: claims.cn, ssoSessionId: claims.sid },
    });
  }

  private audit(info: RequestInfo, claims: AccessTokenClaims | undefined, requestParameters: Record<string, unknown>, extra: Record<string, unknown>, error?: AwsError, upstream?: SsoEvent['upstream']): Promise<void> {
    return recordSsoEvent(this.deps.audit, this.deps.model().account, {
      eventSource: PORTAL_EVENT_SOURCE,
      eventName: 'GetRoleCredentials',
      info,
      ...(claims ? { person: claims.p } : {}),
      requestParameters,
      additionalEventData: claims ? { clientId: claims.cid, clientName: claims.cn, ssoSessionId: claims.sid, ...extra } : extra,
      ...(error ? { error } : {}),
      ...(upstream ? { upstream } : {}),
    });
  }
}

/**
 * An upstream issuer's refusal in the portal API's own error types (the SSO clients know these):
 * AWS's throttling → TooManyRequestsException, another refusal → ForbiddenException with the reason;
 * an outage (5xx) stays what it is.
 */
function portalErrorOf(e: unknown): unknown {
  if (!(e instanceof AwsError) || e instanceof SsoPortalError || e.httpStatus >= 500) return e;
  return e.httpStatus === 429 || e.code === 'Throttling' ? new TooManyRequestsException(e.message) : new ForbiddenException(e.message);
}

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw new PortalInvalidRequestException(`${name} is required`);
  if (value.length > 256) throw new PortalInvalidRequestException(`${name} is too long`);
  return value;
}

/** `max_result` (1–100, default 20) and an opaque `next_token` (the offset, base64url). */
function paginate<T>(items: readonly T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const max = query.get('max_result');
  let size = DEFAULT_PAGE;
  if (max !== null) {
    if (!/^\d{1,3}$/.test(max) || Number(max) < 1 || Number(max) > MAX_PAGE) throw new PortalInvalidRequestException(`max_result must be between 1 and ${MAX_PAGE}`);
    size = Number(max);
  }
  let offset = 0;
  const token = query.get('next_token');
  if (token !== null && token !== '') {
    const decoded = /^[A-Za-z0-9_-]{1,16}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
    const match = /^o:(\d{1,6})$/.exec(decoded);
    if (match === null || Number(match[1]) > items.length) throw new PortalInvalidRequestException('Invalid next token');
    offset = Number(match[1]);
  }
  const end = offset + size;
  return { items: items.slice(offset, end), ...(end < items.length ? { nextToken: Buffer.from(`o:${end}`).toString('base64url') } : {}) };
}
