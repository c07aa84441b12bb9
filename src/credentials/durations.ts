/**
 * How long credentials and console sessions last: one function per rule of semantics.md "Durations",
 * with AWS's exact ValidationError messages (aws-reference §1.4).
 *
 * Units: `nowMs` is epoch milliseconds (like Date.now()); every returned time and `notAfter` is epoch
 * SECONDS, as in SessionClaims. `notAfter` is the expiry of the credential the new one derives from:
 * nothing outlives its parent.
 */
import { ExpiredToken, IDPRejectedClaim, ValidationError } from '../errors.js';

export const MIN_DURATION_SECONDS = 900;
export const DEFAULT_ROLE_SESSION_SECONDS = 3600;
/** The model's upper bound for AssumeRole* DurationSeconds and a role's MaxSessionDuration. */
export const MAX_ROLE_SESSION_SECONDS = 43_200;
export const ROLE_CHAINING_MAX_SECONDS = 3600;
/** GetSessionToken / GetFederationToken. */
export const MAX_USER_SESSION_SECONDS = 129_600;
export const DEFAULT_USER_SESSION_SECONDS = 43_200;
/** Console sessions (SAML SessionDuration attribute, getSigninToken SessionDuration). */
export const MAX_CONSOLE_SESSION_SECONDS = 43_200;
/** Sign-in tokens from getSigninToken: single use, 15 minutes. */
export const SIGNIN_TOKEN_TTL_SECONDS = 900;

export interface Lifetime {
  /** Epoch seconds. */
  readonly issuedAt: number;
  /** Epoch seconds; never after `notAfter`. */
  readonly expiresAt: number;
  /** expiresAt - issuedAt. */
  readonly durationSeconds: number;
}

export interface LifetimeOptions {
  /** Epoch ms; default Date.now(). */
  readonly nowMs?: number;
  /** Epoch seconds: the parent credential's expiry (role chaining, sessions from temporary credentials). */
  readonly notAfter?: number;
}

/** What durations need to know about a role (config `roles[]`). */
export interface RoleDurationLimits {
  /** 3600..43200. */
  readonly maxSessionDuration: number;
  /** true: a DurationSeconds above the role's maximum is lowered to it instead of failing. */
  readonly clampDuration?: boolean;
}

/** AWS's model-validation message for an out-of-range `durationSeconds`. */
function outOfRange(value: number, bound: 'min' | 'max', limit: number): ValidationError {
  const relation = bound === 'min' ? 'greater than or equal to' : 'less than or equal to';
  return new ValidationError(
    `1 validation error detected: Value '${value}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${relation} ${limit}`,
  );
}

/** The model range check every STS action applies before its own rules. */
function checkRange(requested: number, max: number): void {
  if (!Number.isSafeInteger(requested)) {
    throw new ValidationError(`1 validation error detected: Value '${requested}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`);
  }
  if (requested < MIN_DURATION_SECONDS) throw outOfRange(requested, 'min', MIN_DURATION_SECONDS);
  if (requested > max) throw outOfRange(requested, 'max', max);
}

function lifetime(durationSeconds: number, options: LifetimeOptions): Lifetime {
  const issuedAt = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const expiresAt = capExpiry(issuedAt + durationSeconds, options.notAfter);
  return { issuedAt, expiresAt, durationSeconds: Math.max(0, expiresAt - issuedAt) };
}

/** The earlier of `expiresAt` and `notAfter` (both epoch seconds). */
export function capExpiry(expiresAt: number, notAfter?: number): number {
  return notAfter === undefined ? expiresAt : Math.min(expiresAt, notAfter);
}

/**
 * AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity: 900..role.maxSessionDuration, default
 * 3600. Above the role's maximum: `The requested DurationSeconds exceeds the MaxSessionDuration set
 * for this role.` unless the role clamps. The model range (900..43200) is always enforced.
 */
export function roleSessionLifetime(requested: number | undefined, role: RoleDurationLimits, options: LifetimeOptions = {}): Lifetime {
  if (requested === undefined) return lifetime(Math.min(DEFAULT_ROLE_SESSION_SECONDS, role.maxSessionDuration), options);
  checkRange(requested, MAX_ROLE_SESSION_SECONDS);
  if (requested > role.maxSessionDuration) {
    if (role.clampDuration !== true) throw new ValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    return lifetime(role.maxSessionDuration, options);
  }
  return lifetime(requested, options);
}

/**
 * AssumeRole called with role-session credentials (role chaining): 900..3600, default 3600, and never
 * past the calling session (`notAfter`). Above 3600: `The requested DurationSeconds exceeds the 1 hour
 * session limit for roles assumed by role chaining.` unless the role clamps.
 */
export function chainedRoleSessionLifetime(requested: number | undefined, role: RoleDurationLimits, options: LifetimeOptions = {}): Lifetime {
  const max = Math.min(ROLE_CHAINING_MAX_SECONDS, role.maxSessionDuration);
  if (requested === undefined) return lifetime(max, options);
  checkRange(requested, MAX_ROLE_SESSION_SECONDS);
  if (requested > ROLE_CHAINING_MAX_SECONDS) {
    if (role.clampDuration !== true) {
      throw new ValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    return lifetime(max, options);
  }
  return roleSessionLifetime(requested, role, options);
}

/** GetSessionToken: 900..129600, default 43200. */
export function getSessionTokenLifetime(requested: number | undefined, options: LifetimeOptions = {}): Lifetime {
  if (requested === undefined) return lifetime(DEFAULT_USER_SESSION_SECONDS, options);
  checkRange(requested, MAX_USER_SESSION_SECONDS);
  return lifetime(requested, options);
}

/** GetFederationToken: 900..129600, default 43200. */
export function getFederationTokenLifetime(requested: number | undefined, options: LifetimeOptions = {}): Lifetime {
  return getSessionTokenLifetime(requested, options);
}

/** The SAML attributes that bound a session (both optional). */
export interface SamlSessionLimits {
  /** `https://aws.amazon.com/SAML/Attributes/SessionDuration`, seconds (900..43200). */
  readonly sessionDuration?: number;
  /** AuthnStatement@SessionNotOnOrAfter, epoch seconds: a hard cap for everything from the assertion. */
  readonly sessionNotOnOrAfter?: number;
}

function checkSamlLimits(saml: SamlSessionLimits, nowMs: number): void {
  const d = saml.sessionDuration;
  if (d !== undefined && (!Number.isSafeInteger(d) || d < MIN_DURATION_SECONDS || d > MAX_CONSOLE_SESSION_SECONDS)) {
    throw new IDPRejectedClaim(
      `The SessionDuration attribute must be a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_CONSOLE_SESSION_SECONDS}`,
    );
  }
  if (saml.sessionNotOnOrAfter !== undefined && saml.sessionNotOnOrAfter * 1000 <= nowMs) {
    throw new ExpiredToken('The session of this SAML assertion has ended (SessionNotOnOrAfter is in the past)');
  }
}

/**
 * AssumeRoleWithSAML credentials: DurationSeconds is checked against the role as for any AssumeRole*,
 * then the credentials last min(DurationSeconds or 3600, SessionDuration) and never past
 * SessionNotOnOrAfter (nor `notAfter`). The SessionDuration attribute can only shorten API credentials.
 */
export function samlRoleSessionLifetime(
  requested: number | undefined,
  role: RoleDurationLimits,
  saml: SamlSessionLimits,
  options: LifetimeOptions = {},
): Lifetime {
  const nowMs = options.nowMs ?? Date.now();
  checkSamlLimits(saml, nowMs);
  const base = roleSessionLifetime(requested, role, { nowMs });
  const seconds = Math.min(base.durationSeconds, saml.sessionDuration ?? base.durationSeconds);
  return lifetime(seconds, { nowMs, notAfter: minDefined(options.notAfter, saml.sessionNotOnOrAfter) });
}

/**
 * Console session from a SAML sign-in (browser flow): SessionDuration (default 3600), at most the
 * role's MaxSessionDuration (lowered to it, as the IdP attribute is not the user's to fix), and never
 * past SessionNotOnOrAfter.
 */
export function samlConsoleSessionLifetime(role: RoleDurationLimits, saml: SamlSessionLimits, options: LifetimeOptions = {}): Lifetime {
  const nowMs = options.nowMs ?? Date.now();
  checkSamlLimits(saml, nowMs);
  const seconds = Math.min(saml.sessionDuration ?? DEFAULT_ROLE_SESSION_SECONDS, role.maxSessionDuration);
  return lifetime(seconds, { nowMs, notAfter: minDefined(options.notAfter, saml.sessionNotOnOrAfter) });
}

/** The credentials presented to getSigninToken, as far as the console session length depends on them. */
export interface SigninCredentials {
  /** How they were obtained (SessionClaims.issuer). */
  readonly issuer: string;
  readonly chained?: boolean;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Epoch seconds: a hard end for everything from them (a SAML assertion's limits). */
  readonly notAfter?: number;
}

/**
 * getSigninToken: SessionDuration 900..43200 (`sessionDuration` parameter in the message). Without it
 * the console session lasts as long as the credentials. With it, for AssumeRole* credentials it sets
 * the console session (as AWS: the console session may outlast the credentials); for any other
 * credentials (GetFederationToken, GetSessionToken, chained role sessions) it is accepted but capped
 * by their expiry.
 */
export function signinConsoleSessionLifetime(
  requested: number | undefined,
  credentials: SigninCredentials,
  options: Pick<LifetimeOptions, 'nowMs'> = {},
): Lifetime {
  const nowMs = options.nowMs ?? Date.now();
  if (requested === undefined) {
    const issuedAt = Math.floor(nowMs / 1000);
    return { issuedAt, expiresAt: credentials.expiresAt, durationSeconds: Math.max(0, credentials.expiresAt - issuedAt) };
  }
  if (!Number.isSafeInteger(requested) || requested < MIN_DURATION_SECONDS || requested > MAX_CONSOLE_SESSION_SECONDS) {
    throw new ValidationError(
      `1 validation error detected: Value '${requested}' at 'sessionDuration' failed to satisfy constraint: Member must have value between ${MIN_DURATION_SECONDS} and ${MAX_CONSOLE_SESSION_SECONDS}`,
    );
  }
  const setsConsoleSession = credentials.issuer.startsWith('AssumeRole') && credentials.chained !== true;
  return lifetime(requested, { nowMs, notAfter: setsConsoleSession ? credentials.notAfter : credentials.expiresAt });
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
