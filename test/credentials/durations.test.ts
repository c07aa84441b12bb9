import { describe, expect, it } from 'vitest';
import { ExpiredToken, IDPRejectedClaim, ValidationError } from '../../src/errors.js';
import {
  capExpiry,
  chainedRoleSessionLifetime,
  getFederationTokenLifetime,
  getSessionTokenLifetime,
  roleSessionLifetime,
  samlConsoleSessionLifetime,
  samlRoleSessionLifetime,
  signinConsoleSessionLifetime,
} from '../../src/credentials/durations.js';

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0, 500);
const NOW_S = Math.floor(NOW / 1000);
const at = { nowMs: NOW };
const role1h = { maxSessionDuration: 3600 };
const role12h = { maxSessionDuration: 43_200 };

function validationMessage(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected ValidationError');
}

describe('AssumeRole* durations', () => {
  it('defaults to 3600 seconds', () => {
    expect(roleSessionLifetime(undefined, role12h, at)).toEqual({ issuedAt: NOW_S, expiresAt: NOW_S + 3600, durationSeconds: 3600 });
  });

  it('accepts 900 up to the role maximum', () => {
    expect(roleSessionLifetime(900, role1h, at).durationSeconds).toBe(900);
    expect(roleSessionLifetime(43_200, role12h, at).expiresAt).toBe(NOW_S + 43_200);
  });

  it('refuses values outside the model range with AWS messages', () => {
    expect(validationMessage(() => roleSessionLifetime(899, role12h, at))).toBe(
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    expect(validationMessage(() => roleSessionLifetime(43_201, role12h, at))).toBe(
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    expect(validationMessage(() => roleSessionLifetime(1000.5, role12h, at))).toMatch(/durationSeconds/);
  });

  it("refuses more than the role's MaxSessionDuration", () => {
    expect(validationMessage(() => roleSessionLifetime(3601, role1h, at))).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });

  it('clamps to the role maximum when the role says so (but never accepts values outside the model range)', () => {
    expect(roleSessionLifetime(7200, { maxSessionDuration: 3600, clampDuration: true }, at).durationSeconds).toBe(3600);
    expect(() => roleSessionLifetime(50_000, { maxSessionDuration: 3600, clampDuration: true }, at)).toThrow(ValidationError);
  });

  it('never outlives the parent credential', () => {
    expect(roleSessionLifetime(3600, role1h, { nowMs: NOW, notAfter: NOW_S + 1000 })).toEqual({ issuedAt: NOW_S, expiresAt: NOW_S + 1000, durationSeconds: 1000 });
    expect(capExpiry(100, 50)).toBe(50);
    expect(capExpiry(100)).toBe(100);
  });
});

describe('role chaining', () => {
  it('defaults to and caps at one hour, with the AWS message', () => {
    expect(chainedRoleSessionLifetime(undefined, role12h, at).durationSeconds).toBe(3600);
    expect(chainedRoleSessionLifetime(1800, role12h, at).durationSeconds).toBe(1800);
    expect(validationMessage(() => chainedRoleSessionLifetime(3601, role12h, at))).toBe(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    expect(chainedRoleSessionLifetime(7200, { ...role12h, clampDuration: true }, at).durationSeconds).toBe(3600);
  });

  it('never outlives the calling session', () => {
    expect(chainedRoleSessionLifetime(undefined, role12h, { nowMs: NOW, notAfter: NOW_S + 600 }).expiresAt).toBe(NOW_S + 600);
  });
});

describe('GetSessionToken / GetFederationToken', () => {
  it('default 43200, range 900..129600', () => {
    expect(getSessionTokenLifetime(undefined, at).durationSeconds).toBe(43_200);
    expect(getFederationTokenLifetime(undefined, at).durationSeconds).toBe(43_200);
    expect(getSessionTokenLifetime(129_600, at).durationSeconds).toBe(129_600);
    expect(validationMessage(() => getFederationTokenLifetime(129_601, at))).toBe(
      "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    );
    expect(validationMessage(() => getSessionTokenLifetime(600, at))).toMatch(/greater than or equal to 900$/);
  });
});

describe('SAML limits', () => {
  it('API credentials last min(DurationSeconds or 3600, SessionDuration)', () => {
    expect(samlRoleSessionLifetime(undefined, role12h, { sessionDuration: 1800 }, at).durationSeconds).toBe(1800);
    expect(samlRoleSessionLifetime(undefined, role12h, { sessionDuration: 7200 }, at).durationSeconds).toBe(3600);
    expect(samlRoleSessionLifetime(10_800, role12h, { sessionDuration: 7200 }, at).durationSeconds).toBe(7200);
    expect(samlRoleSessionLifetime(1200, role12h, {}, at).durationSeconds).toBe(1200);
  });

  it('never lets anything from the assertion pass SessionNotOnOrAfter', () => {
    expect(samlRoleSessionLifetime(3600, role12h, { sessionNotOnOrAfter: NOW_S + 1000 }, at).expiresAt).toBe(NOW_S + 1000);
    expect(samlConsoleSessionLifetime(role12h, { sessionDuration: 43_200, sessionNotOnOrAfter: NOW_S + 5000 }, at).expiresAt).toBe(NOW_S + 5000);
    expect(() => samlRoleSessionLifetime(undefined, role12h, { sessionNotOnOrAfter: NOW_S - 1 }, at)).toThrow(ExpiredToken);
  });

  it('still checks DurationSeconds against the role', () => {
    expect(() => samlRoleSessionLifetime(7200, role1h, { sessionDuration: 900 }, at)).toThrow(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('console session: SessionDuration (default 3600), lowered to the role maximum', () => {
    expect(samlConsoleSessionLifetime(role12h, {}, at).durationSeconds).toBe(3600);
    expect(samlConsoleSessionLifetime(role12h, { sessionDuration: 28_800 }, at).durationSeconds).toBe(28_800);
    expect(samlConsoleSessionLifetime(role1h, { sessionDuration: 28_800 }, at).durationSeconds).toBe(3600);
  });

  it('refuses a SessionDuration attribute outside 900..43200', () => {
    for (const bad of [899, 43_201, 1.5, Number.NaN]) {
      expect(() => samlConsoleSessionLifetime(role12h, { sessionDuration: bad }, at)).toThrow(IDPRejectedClaim);
    }
  });
});

describe('getSigninToken console sessions', () => {
  const roleCreds = { issuer: 'AssumeRoleWithSAML', expiresAt: NOW_S + 3600 };

  it('lasts as long as the credentials without SessionDuration', () => {
    expect(signinConsoleSessionLifetime(undefined, roleCreds, at)).toEqual({ issuedAt: NOW_S, expiresAt: NOW_S + 3600, durationSeconds: 3600 });
  });

  it('sets the console session for AssumeRole* credentials, even past their expiry (as AWS)', () => {
    expect(signinConsoleSessionLifetime(43_200, roleCreds, at).expiresAt).toBe(NOW_S + 43_200);
  });

  it('is capped by the expiry of other credentials (federation token, chained role session)', () => {
    expect(signinConsoleSessionLifetime(43_200, { issuer: 'GetFederationToken', expiresAt: NOW_S + 7200 }, at).expiresAt).toBe(NOW_S + 7200);
    expect(signinConsoleSessionLifetime(43_200, { ...roleCreds, chained: true }, at).expiresAt).toBe(NOW_S + 3600);
  });

  it('refuses SessionDuration outside 900..43200', () => {
    expect(validationMessage(() => signinConsoleSessionLifetime(60, roleCreds, at))).toMatch(/'sessionDuration'.*between 900 and 43200/);
    expect(() => signinConsoleSessionLifetime(43_201, roleCreds, at)).toThrow(ValidationError);
  });
});
