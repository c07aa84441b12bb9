/**
 * aws:SourceIp and aws:SecureTransport for a request: the socket's view, or — only when
 * server.trustProxy is on — the first hop of X-Forwarded-For and X-Forwarded-Proto.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export function clientAddress(req: IncomingMessage, trustProxy: boolean): { sourceIp: string; secure: boolean } {
  let sourceIp = req.socket.remoteAddress ?? '';
  let secure = (req.socket as TLSSocket).encrypted === true;
  if (trustProxy) {
    const forwarded = header(req, 'x-forwarded-for');
    if (forwarded) sourceIp = forwarded.split(',')[0]!.trim();
    const proto = header(req, 'x-forwarded-proto');
    if (proto) secure = proto.split(',')[0]!.trim().toLowerCase() === 'https';
  }
  // IPv4-mapped IPv6 (::ffff:1.2.3.4) is reported as the IPv4 address, as AWS does.
  if (sourceIp.startsWith('::ffff:') && sourceIp.includes('.')) sourceIp = sourceIp.slice(7);
  return { sourceIp, secure };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
