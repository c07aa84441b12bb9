/**
 * Token lifetime, with the provider's clock skew: `exp` required and in the future; `nbf`, when
 * present, not in the future; `iat`, when present, not in the future. Times are epoch seconds.
 */
import { ExpiredToken, InvalidIdentityToken } from '../../../errors.js';
import type { TrustedOidcProvider } from '../types.js';

function numericDate(claims: Readonly<Record<string, unknown>>, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = claims[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidIdentityToken(`The token's ${claim} claim must be a number (seconds since the epoch)`);
  }
  return value;
}

/** @param nowMs the current time, epoch milliseconds. */
export function checkTimes(claims: Readonly<Record<string, unknown>>, provider: TrustedOidcProvider, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  const skew = provider.clockSkewSeconds;
  const exp = numericDate(claims, 'exp');
  if (exp === undefined) throw new InvalidIdentityToken('The token has no exp (expiration) claim');
  if (exp <= now - skew) {
    // AWS's wording, with epoch seconds.
    throw new ExpiredToken(`Token expired: current date/time ${now} must be before the expiration date/time ${exp}`);
  }
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + skew) {
    throw new InvalidIdentityToken(`Token is not valid yet: current date/time ${now} is before the not-before date/time ${nbf}`);
  }
  const iat = numericDate(claims, 'iat');
  if (iat !== undefined && iat > now + skew) {
    throw new InvalidIdentityToken(`Token was issued in the future: issued-at date/time ${iat} is after the current date/time ${now}`);
  }
}
