import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRedirect, sendText } from '../../src/http/plainResponse.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/plain') sendText(res, 200, 'hello');
    else if (req.url === '/override') sendText(res, 200, 'hello', { 'x-frame-options': 'SAMEORIGIN', 'cache-control': 'max-age=5', allow: 'GET' });
    else sendRedirect(res, 'https://console.example.com/a b', { 'set-cookie': 'c=1; Path=/; HttpOnly' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('answers of the lean path', () => {
  it('carry the common security headers, no caching, and their length', async () => {
    const res = await fetch(`${url}/plain`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-length')).toBe('5');
    expect(await res.text()).toBe('hello');
  });

  it('headers a route passes replace the common ones of the same name, once', async () => {
    const res = await fetch(`${url}/override`);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cache-control')).toBe('max-age=5');
    expect(res.headers.get('allow')).toBe('GET');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a redirect carries its cookie and an encoded Location', async () => {
    const res = await fetch(`${url}/redirect`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://console.example.com/a%20b');
    expect(res.headers.getSetCookie()).toEqual(['c=1; Path=/; HttpOnly']);
  });
});
