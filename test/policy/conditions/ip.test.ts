import { describe, expect, it } from 'vitest';
import { ipInAny, parseCidr } from '../../../src/policy/conditions/ip.js';

const inBlock = (address: string, block: string) => ipInAny(address, [parseCidr(block)!]);

describe('parseCidr / ipInAny', () => {
  it('parses the IPv6 shorthand forms', () => {
    for (const text of ['::', '::1', '1::', '2001:db8::', '2001:db8:0:0:0:0:0:1', '::ffff:192.0.2.1', '64:ff9b::192.0.2.1', 'FE80::ABCD/10']) {
      expect(parseCidr(text), text).toBeDefined();
    }
    for (const text of [':::', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', 'g::1', '::1.2.3', '1.2.3.4/', '1.2.3.4/-1', '1.2.3.4/ 8', '']) {
      expect(parseCidr(text), text).toBeUndefined();
    }
  });

  it('places addresses on prefix boundaries exactly', () => {
    expect(inBlock('10.255.255.255', '10.0.0.0/8')).toBe(true);
    expect(inBlock('11.0.0.0', '10.0.0.0/8')).toBe(false);
    expect(inBlock('192.0.2.127', '192.0.2.0/25')).toBe(true);
    expect(inBlock('192.0.2.128', '192.0.2.0/25')).toBe(false);
    expect(inBlock('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8::/32')).toBe(true);
    expect(inBlock('2001:db9::', '2001:db8::/32')).toBe(false);
    expect(inBlock('2001:db8::8000:0', '2001:db8::/97')).toBe(false);
    expect(inBlock('2001:db8::7fff:ffff', '2001:db8::/97')).toBe(true);
  });

  it('/0 blocks cover their own family only', () => {
    expect(inBlock('203.0.113.1', '0.0.0.0/0')).toBe(true);
    expect(inBlock('::1', '::/0')).toBe(true);
    expect(inBlock('203.0.113.1', '::/0')).toBe(false);
    expect(inBlock('::ffff:203.0.113.1', '0.0.0.0/0')).toBe(true);
  });

  it('a mapped block wider than /96 stays an IPv6 block', () => {
    expect(parseCidr('::ffff:0:0/96')!.v4).toBe(true);
    expect(parseCidr('::ffff:0:0/95')!.v4).toBe(false);
    expect(inBlock('192.0.2.1', '::ffff:0:0/96')).toBe(true);
  });
});
