/**
 * security.md "Destination or RelayState not on the allow-list (open redirect), `javascript:` URLs →
 * rejection": the allow-list matcher itself, for every shape an attacker may try.
 */
import { expect, it } from 'vitest';
import { isAllowedDestination } from '../../src/console/destinations.js';

const PUBLIC = 'https://broker.example.com';
const allowed = (target: string, list: string[]) => isAllowedDestination(target, list, PUBLIC);

it('exact entries match exactly; the broker’s own console is always allowed', () => {
  expect(allowed('https://app.example.com/landing', ['https://app.example.com/landing'])).toBe(true);
  expect(allowed('https://app.example.com/landing?x', ['https://app.example.com/landing'])).toBe(false);
  expect(allowed(`${PUBLIC}/console`, [])).toBe(true);
  expect(allowed(`${PUBLIC}/console/home`, [])).toBe(true);
});

it('a trailing * matches paths on the same origin only, never a look-alike host or another port', () => {
  const list = ['https://app.example.com*', 'https://portal.example.com/app/*'];
  expect(allowed('https://app.example.com/anything?x=1', list)).toBe(true);
  expect(allowed('https://app.example.com', list)).toBe(true);
  expect(allowed('https://app.example.com.evil.net/steal', list)).toBe(false);
  expect(allowed('https://app.example.com:8443/', list)).toBe(false);
  expect(allowed('https://app.example.com@evil.net/', list)).toBe(false);
  expect(allowed('https://portal.example.com/app/home', list)).toBe(true);
  expect(allowed('https://portal.example.com/other', list)).toBe(false);
  expect(allowed(`${PUBLIC}.evil.net/console`, list)).toBe(false);
  // A partial host in an entry matches nothing rather than every host that starts with it.
  expect(allowed('https://app.example.community/', ['https://app.example.c*'])).toBe(false);
});

it('never javascript:, data:, protocol-relative, control characters or credentials in the URL', () => {
  const list = ['*', 'javascript:*', 'https://app.example.com*'];
  for (const bad of ['javascript:alert(1)', 'data:text/html,x', '//evil.net/', 'https://app.example.com/\nx', 'https://user:pw@app.example.com/', '']) {
    expect(allowed(bad, list), bad).toBe(false);
  }
});

it('verdicts are remembered per allow-list and public URL: the same target is judged afresh under another list', () => {
  const first = ['https://app.example.com/landing'];
  const reloaded = ['https://other.example.com/landing'];
  const target = 'https://app.example.com/landing';
  expect(isAllowedDestination(target, first, PUBLIC)).toBe(true);
  expect(isAllowedDestination(target, first, PUBLIC)).toBe(true);
  expect(isAllowedDestination(target, reloaded, PUBLIC)).toBe(false);
  expect(isAllowedDestination(`${PUBLIC}/console`, first, PUBLIC)).toBe(true);
  expect(isAllowedDestination(`${PUBLIC}/console`, first, 'https://elsewhere.example.com')).toBe(false);
  // More targets than are remembered: the earlier verdicts still come out right.
  for (let i = 0; i < 1500; i++) expect(isAllowedDestination(`https://evil${i}.example.net/`, first, PUBLIC)).toBe(false);
  expect(isAllowedDestination(target, first, PUBLIC)).toBe(true);
  expect(isAllowedDestination(`${target} x`, first, PUBLIC)).toBe(false);
});
