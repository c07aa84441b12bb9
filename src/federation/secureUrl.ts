/**
 * Where the broker may fetch trust material from (OIDC discovery and JWKS, SAML metadata): https only,
 * plain http only on loopback (development IdPs on this machine). Whoever can tamper with the fetch
 * could otherwise substitute the keys every signature is checked against.
 */

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  // WHATWG URL normalises every IPv4 spelling (0x7f.1, 2130706433) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Parses `value` as such a URL; throws an Error naming `what` otherwise. No credentials, no fragment. */
export function parseSecureUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} must be an absolute URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw new Error(`${what} must use https (http is allowed only on loopback: 127.0.0.1, ::1, localhost)`);
    }
  } else if (url.protocol !== 'https:') {
    throw new Error(`${what} must use https (got ${url.protocol.replace(/:$/, '')})`);
  }
  if (url.username !== '' || url.password !== '') throw new Error(`${what} must not contain credentials`);
  if (value.includes('#')) throw new Error(`${what} must not contain a fragment`);
  return url;
}
