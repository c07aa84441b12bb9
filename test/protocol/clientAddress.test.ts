/**
 * server.trustProxy: the client address is what the proxy in front saw — the LAST X-Forwarded-For
 * entry (proxies append to what the client sent) — never an entry the client wrote itself.
 */
import type { IncomingMessage } from 'node:http';
import { expect, it } from 'vitest';
import { clientAddress } from '../../src/http/clientAddress.js';

const request = (headers: Record<string, string | string[]>, remoteAddress = '10.0.0.5', encrypted = false) =>
  ({ headers, socket: { remoteAddress, encrypted } }) as unknown as IncomingMessage;

it('without trustProxy the socket decides; forwarded headers are ignored', () => {
  expect(clientAddress(request({ 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' }), false)).toEqual({ sourceIp: '10.0.0.5', secure: false });
});

it('with trustProxy the last entries count: what a client puts in front is ignored', () => {
  expect(clientAddress(request({ 'x-forwarded-for': '203.0.113.7' }), true).sourceIp).toBe('203.0.113.7');
  // nginx $proxy_add_x_forwarded_for / ALB: "<client's own header>, <address the proxy saw>".
  expect(clientAddress(request({ 'x-forwarded-for': '10.9.9.9, 198.51.100.20' }), true).sourceIp).toBe('198.51.100.20');
  expect(clientAddress(request({ 'x-forwarded-for': ['1.1.1.1', '198.51.100.20'] }), true).sourceIp).toBe('198.51.100.20');
  expect(clientAddress(request({ 'x-forwarded-proto': 'https, http' }), true).secure).toBe(false);
  expect(clientAddress(request({ 'x-forwarded-proto': 'http, https' }), true).secure).toBe(true);
});

it('a last entry that is not an IP address is ignored; IPv4-mapped IPv6 is reported as IPv4', () => {
  expect(clientAddress(request({ 'x-forwarded-for': '198.51.100.20, not-an-ip' }), true).sourceIp).toBe('10.0.0.5');
  expect(clientAddress(request({ 'x-forwarded-for': '' }), true).sourceIp).toBe('10.0.0.5');
  expect(clientAddress(request({ 'x-forwarded-for': '2001:db8::1' }), true).sourceIp).toBe('2001:db8::1');
  expect(clientAddress(request({}, '::ffff:192.0.2.1'), true).sourceIp).toBe('192.0.2.1');
});
