/**
 * The user-code guess limit (security.md "Guessing user codes at /device"): per person, per browser
 * and per address, within a window.
 */
import { describe, expect, it } from 'vitest';
import { GuessLimiter } from '../../src/sso/guessLimiter.js';

const limits = { perPerson: 3, perBrowser: 3, perAddress: 5, windowMs: 60_000 };
const T = 1_000_000;

function fail(l: GuessLimiter, person: string, browser: string | undefined, address: string, times: number, at = T): void {
  for (let i = 0; i < times; i++) l.failed({ person, browser, address }, at);
}

describe('GuessLimiter', () => {
  it('stops a person past their limit, whatever browser they use next (a cleared cookie is a new browser)', () => {
    const l = new GuessLimiter(limits);
    fail(l, 'dev|mallory', 'b1', '10.0.0.1', 3);
    expect(l.allowed({ person: 'dev|mallory', browser: 'b2', address: '10.0.0.1' }, T)).toBe(false);
    expect(l.allowed({ person: 'dev|mallory', browser: undefined, address: '10.0.0.2' }, T)).toBe(false);
  });

  it('one person behind a shared address cannot lock the others at that address out', () => {
    const l = new GuessLimiter(limits);
    // Mallory tries as often as she may, then more (refused attempts are not counted by callers).
    fail(l, 'dev|mallory', 'b1', '192.0.2.1', 3);
    expect(l.allowed({ person: 'dev|mallory', browser: 'b1', address: '192.0.2.1' }, T)).toBe(false);
    expect(l.allowed({ person: 'dev|alice', browser: 'b3', address: '192.0.2.1' }, T)).toBe(true);
  });

  it('stops a browser past its limit even for another person signed in there, and an address past its own', () => {
    const l = new GuessLimiter(limits);
    fail(l, 'dev|a', 'shared-browser', '10.0.0.1', 3);
    expect(l.allowed({ person: 'dev|b', browser: 'shared-browser', address: '10.0.0.9' }, T)).toBe(false);
    // Five people, one wrong code each, from one address: the address is done, a sixth person too.
    const m = new GuessLimiter(limits);
    for (const p of ['1', '2', '3', '4', '5']) fail(m, `dev|${p}`, `b${p}`, '198.51.100.7', 1);
    expect(m.allowed({ person: 'dev|6', browser: 'b6', address: '198.51.100.7' }, T)).toBe(false);
    expect(m.allowed({ person: 'dev|6', browser: 'b6', address: '198.51.100.8' }, T)).toBe(true);
  });

  it('forgets after the window', () => {
    const l = new GuessLimiter(limits);
    fail(l, 'dev|mallory', 'b1', '10.0.0.1', 3);
    expect(l.allowed({ person: 'dev|mallory', browser: 'b1', address: '10.0.0.1' }, T + 59_999)).toBe(false);
    expect(l.allowed({ person: 'dev|mallory', browser: 'b1', address: '10.0.0.1' }, T + 60_000)).toBe(true);
  });
});
