/**
 * What every IAM action needs: who may call IAM at all (guide G9663–G9664), the permission check
 * through the one policy engine (`authorizeCaller`), the target user, and the request facts the MFA
 * core writes into its audit events.
 *
 * - Long-term keys of an IAM user and role sessions: their identity policies decide.
 * - GetSessionToken credentials: only when they were issued with MFA ("Cannot call IAM APIs unless
 *   MFA information is included with the request", G9664), then the user's policies decide.
 * - GetFederationToken credentials: never ("Cannot call IAM APIs directly", G9663).
 *
 * No implicit grant: a user manages their own devices because a policy such as the guide's Force_MFA
 * (TV-M9) allows `iam:*MFADevice` on `user/${aws:username}` and `mfa/${aws:username}`.
 */
import { AccessDenied, NoSuchEntity, ValidationError } from '../../errors.js';
import { callerUserIdentity } from '../../audit/userIdentity.js';
import type { Broker } from '../../broker.js';
import type { UserModel } from '../../config/model.js';
import { userArn } from '../../credentials/arns.js';
import type { Caller } from '../../federation/identity.js';
import type { MfaRequestContext } from '../../mfa/mfaAudit.js';
import type { RequestInfo } from '../../protocol/action.js';
import type { IntegerParam, StringParam } from '../../protocol/params.js';
import { authorizeCaller } from '../common/callerPolicy.js';

// ---- parameters (IAM API shapes) ------------------------------------------------------------------

/** existingUserNameType: 1–128 of `[\w+=,.@-]`. */
export const USER_NAME_PARAM = { type: 'string', min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' } as const satisfies StringParam;
/** serialNumberType: 9–256 of `[\w+=/:,.@-]`. */
export const DEVICE_SERIAL_PARAM = { type: 'string', min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/, patternText: '[\\w+=/:,.@-]+' } as const satisfies StringParam;
/** authenticationCodeType: exactly 6 digits. Never echoed, never logged. */
export const AUTHENTICATION_CODE_PARAM = { type: 'string', min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]+', sensitive: true } as const satisfies StringParam;
/** markerType. */
export const MARKER_PARAM = { type: 'string', min: 1, max: 320, pattern: /^[\u0020-\u00FF]+$/, patternText: '[\\u0020-\\u00FF]+' } as const satisfies StringParam;
/** maxItemsType. */
export const MAX_ITEMS_PARAM = { type: 'integer', min: 1, max: 1000 } as const satisfies IntegerParam;

// ---- who may call IAM -------------------------------------------------------------------------------

/**
 * Throws AccessDenied unless `caller` may perform the IAM `action` on `resource`: the credential-type
 * rules above, then the caller's policies.
 */
export function authorizeIamCaller(broker: Broker, caller: Caller, request: RequestInfo, action: string, resource: string): void {
  checkIamCredentials(caller, action, resource);
  authorizeCaller(broker, caller, request, action, resource);
}

/** The credential-type half alone (before anything else is looked at): AccessDenied for callers that can never call IAM. */
export function checkIamCredentials(caller: Caller, action: string, resource?: string): void {
  const prefix = `User: ${caller.arn} is not authorized to perform: ${action}${resource !== undefined ? ` on resource: ${resource}` : ''}`;
  if (caller.kind === 'FederatedUser') {
    throw new AccessDenied(`${prefix}: credentials from GetFederationToken cannot call IAM APIs`);
  }
  const session = caller.session;
  if (session?.issuer === 'GetSessionToken' && session.mfa === undefined) {
    throw new AccessDenied(
      `${prefix}: credentials from GetSessionToken can call IAM APIs only when they were requested with MFA (SerialNumber and TokenCode)`,
    );
  }
}

// ---- the target user ----------------------------------------------------------------------------------

export interface TargetUser {
  readonly userName: string;
  /** `arn:PARTITION:iam::ACCOUNT:user{path}{name}`; path `/` when the user does not exist. */
  readonly arn: string;
  /** The configured user, or undefined (NoSuchEntity once the caller is known to be allowed). */
  readonly user: UserModel | undefined;
}

/** The user named by `UserName`, or the calling IAM user when it is absent. */
export function targetUser(broker: Broker, caller: Caller, userName: string | undefined): TargetUser {
  const name = userName ?? caller.userName;
  if (name === undefined) throw new ValidationError('Must specify userName when calling with non-User credentials');
  const model = broker.model;
  const user = model.users.get(name);
  return { userName: name, arn: user?.arn ?? userArn(model.partition, model.account, '/', name), user };
}

/**
 * The configured user, after the permission check: asking about a user one may not act on is an
 * AccessDenied whether or not the user exists, so callers cannot probe for user names.
 */
export function existingUser(target: TargetUser): UserModel {
  if (target.user === undefined) throw new NoSuchEntity(`The user with name ${target.userName} cannot be found.`);
  return target.user;
}

// ---- audit --------------------------------------------------------------------------------------

/** Request facts for the MFA core's audit events (it writes the success events of these actions). */
export function mfaContext(caller: Caller, request: RequestInfo): MfaRequestContext {
  return {
    requestId: request.requestId,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent,
    userIdentity: callerUserIdentity(caller),
  };
}

// ---- lists ----------------------------------------------------------------------------------------

export interface Page<T> {
  readonly items: readonly T[];
  readonly isTruncated: boolean;
  readonly marker?: string;
}

/**
 * IAM pagination: at most `maxItems` (default 100) items after `marker` (an opaque token: the base64url
 * of the last key returned). `keyOf` gives each item's sort key; items must be sorted by it.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, marker: string | undefined, maxItems: number | undefined): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, 'base64url').toString('utf8');
    if (Buffer.from(after, 'utf8').toString('base64url') !== marker) throw new ValidationError('Invalid Marker.');
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const limit = maxItems ?? 100;
  const page = items.slice(start, start + limit);
  const isTruncated = start + limit < items.length;
  const last = page[page.length - 1];
  return {
    items: page,
    isTruncated,
    ...(isTruncated && last !== undefined ? { marker: Buffer.from(keyOf(last), 'utf8').toString('base64url') } : {}),
  };
}
