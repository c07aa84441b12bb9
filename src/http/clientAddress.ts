/**
 * aws:SourceIp and aws:SecureTransport for a request: the socket's view, or — only when
 * server.trustProxy is on — what the proxy in front of the broker saw: the LAST entry of
 * X-Forwarded-For and of X-Forwarded-Proto. Proxies append to these headers (nginx's
 * $proxy_add_x_forwarded_for, AWS ALB), so every entry before the last one is whatever the client
 * sent and proves nothing. A last entry that is not an IP address is ignored (the socket's address
 * stays). One trusted proxy hop is assumed.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

export function clientAddress(req: IncomingMessage, trustProxy: boolean): { sourceIp: string; secure: boolean } {
  let sourceIp = req.socket.remoteAddress ?? '';
  let secure = (req.socket as TLSSocket).encrypted === true;
  if (trustProxy) {
    const forwarded = lastEntry(req, 'x-forwarded-for');
    if (forwarded !== undefined && isIP(forwarded) !== 0) sourceIp = forwarded;
    const proto = lastEntry(req, 'x-forwarded-proto');
    if (proto !== undefined) secure = proto.toLowerCase() === 'https';
  }
  // IPv4-mapped IPv6 (::ffff:1.2.3.4) is reported as the IPv4 address, as AWS does.
  if (sourceIp.startsWith('::ffff:') && sourceIp.includes('.')) sourceIp = sourceIp.slice(7);
  return { sourceIp, secure };
}

/** The last comma-separated entry of a header (repeated headers count as one list), trimmed. */
function lastEntry(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const text = Array.isArray(v) ? v.join(',') : v;
  if (text === undefined) return undefined;
  const last = text.slice(text.lastIndexOf(',') + 1).trim();
  return last === '' ? undefined : last;
}
