import { describe, expect, it } from 'vitest';
import { checkTimes } from '../../../../src/federation/oidc/checks/checkTimes.js';
import { ExpiredToken, InvalidIdentityToken } from '../../../../src/errors.js';
import { trustedProvider } from '../fixtures.js';

const provider = trustedProvider({ clockSkewSeconds: 60 });
const NOW = 1_700_000_000;
const nowMs = NOW * 1000;

describe('checkTimes', () => {
  it('accepts a token inside its lifetime', () => {
    expect(() => checkTimes({ iat: NOW - 10, nbf: NOW - 10, exp: NOW + 300 }, provider, nowMs)).not.toThrow();
  });

  it("rejects an expired token with ExpiredTokenException in AWS's wording", () => {
    expect(() => checkTimes({ exp: NOW - 61 }, provider, nowMs)).toThrow(
      new ExpiredToken(`Token expired: current date/time ${NOW} must be before the expiration date/time ${NOW - 61}`),
    );
  });

  it('tolerates the clock skew at every edge', () => {
    expect(() => checkTimes({ exp: NOW - 59 }, provider, nowMs)).not.toThrow();
    expect(() => checkTimes({ exp: NOW - 60 }, provider, nowMs)).toThrow(ExpiredToken);
    expect(() => checkTimes({ exp: NOW + 60, nbf: NOW + 60 }, provider, nowMs)).not.toThrow();
    expect(() => checkTimes({ exp: NOW + 120, nbf: NOW + 61 }, provider, nowMs)).toThrow(InvalidIdentityToken);
    expect(() => checkTimes({ exp: NOW + 120, iat: NOW + 60 }, provider, nowMs)).not.toThrow();
    expect(() => checkTimes({ exp: NOW + 120, iat: NOW + 61 }, provider, nowMs)).toThrow(InvalidIdentityToken);
  });

  it('rejects nbf in the future', () => {
    expect(() => checkTimes({ exp: NOW + 3600, nbf: NOW + 600 }, provider, nowMs)).toThrow(/not valid yet/);
  });

  it('rejects iat far in the future', () => {
    expect(() => checkTimes({ exp: NOW + 3600, iat: NOW + 600 }, provider, nowMs)).toThrow(/issued in the future/);
  });

  it('requires a numeric exp', () => {
    expect(() => checkTimes({}, provider, nowMs)).toThrow(/no exp/);
    expect(() => checkTimes({ exp: String(NOW + 300) }, provider, nowMs)).toThrow(/exp claim must be a number/);
    expect(() => checkTimes({ exp: NOW + 300, nbf: 'soon' }, provider, nowMs)).toThrow(/nbf claim must be a number/);
  });

  it('uses the configured skew', () => {
    const strict = trustedProvider({ clockSkewSeconds: 0 });
    expect(() => checkTimes({ exp: NOW }, strict, nowMs)).toThrow(ExpiredToken);
    expect(() => checkTimes({ exp: NOW + 1 }, strict, nowMs)).not.toThrow();
  });
});
