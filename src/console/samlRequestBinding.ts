/**
 * SP-initiated SAML sign-ins bound to the browser that started them (security.md "Found by review"),
 * as the OIDC login's state is: GET /saml/login stores the AuthnRequest id with its provider and the
 * hash of a random value it gives the browser in a cookie; POST /saml accepts a Response to that
 * request only from a browser holding the value. So a Response obtained by someone else (their own
 * sign-in, or one captured in transit) cannot sign a victim's browser in.
 *
 * One cookie per request (`fedbroker_saml_<hash of the id>`, path /saml, 10 minutes), so sign-ins
 * started in two tabs both work. The IdP answers with a cross-site POST, which carries only
 * SameSite=None cookies, and those must be Secure: the cookie is `SameSite=None; Secure` when the
 * broker is served over https or on loopback (browsers accept Secure cookies from http://localhost);
 * on plain http elsewhere only a same-site IdP's answer can carry it (SameSite=Lax).
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { isLoopbackHost } from '../config/startup.js';
import { constantTimeEqual } from '../keys/constantTime.js';
import { randomBytesPooled } from '../keys/randomPool.js';
import type { Store } from '../store/types.js';
import { clearCookie, readCookie, setCookie, type CookieOptions } from './cookies.js';

/** The store namespace of outstanding AuthnRequest ids (also consumed by AssumeRoleWithSAML). */
export const SAML_REQUESTS = 'saml-request';
/** Outstanding SP-initiated requests live this long (the user has to sign in at the IdP meanwhile). */
const REQUEST_TTL_MS = 10 * 60_000;
const COOKIE_PATH = '/saml';

interface PendingRequest {
  readonly provider: string;
  /** SHA-256 (hex) of the binding cookie's value. */
  readonly binding: string;
}

/** What an InResponseTo finds: the provider the request went to, or why it is refused. */
export type BoundRequest = { readonly provider: string } | 'unknown' | 'other-browser';

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
const cookieName = (requestId: string) => `fedbroker_saml_${sha256Hex(requestId).slice(0, 16)}`;

function cookieOptions(publicUrl: string): CookieOptions {
  const url = new URL(publicUrl);
  const secure = url.protocol === 'https:' || isLoopbackHost(url.hostname);
  return { secure, sameSite: secure ? 'None' : 'Lax', path: COOKIE_PATH };
}

/** GET /saml/login: remember the request for `provider`, bound to this browser. */
export async function rememberRequest(store: Store, res: Response, publicUrl: string, requestId: string, provider: string): Promise<void> {
  const binding = randomBytesPooled(24).toString('base64url');
  const pending: PendingRequest = { provider, binding: sha256Hex(binding) };
  await store.putItem(SAML_REQUESTS, requestId, JSON.stringify(pending), Date.now() + REQUEST_TTL_MS);
  setCookie(res, cookieName(requestId), binding, { ...cookieOptions(publicUrl), maxAgeSeconds: REQUEST_TTL_MS / 1000 });
}

/**
 * POST /saml: the outstanding request `requestId`, consumed (once, on any instance) only when this
 * browser holds its binding. A Response posted from another browser consumes nothing, so the browser
 * that started the sign-in can still finish it.
 */
export async function takeBoundRequest(store: Store, req: Request, requestId: string): Promise<BoundRequest> {
  const stored = await store.getItem(SAML_REQUESTS, requestId);
  if (stored === null) return 'unknown';
  const pending = parsePending(stored);
  const binding = readCookie(req, cookieName(requestId));
  if (pending === undefined || binding === undefined || !constantTimeEqual(sha256Hex(binding), pending.binding)) return 'other-browser';
  return (await store.takeItem(SAML_REQUESTS, requestId)) === null ? 'unknown' : { provider: pending.provider };
}

/** The request's cookie is of no further use once a Response to it was posted from this browser. */
export function forgetBinding(res: Response, publicUrl: string, requestId: string): void {
  clearCookie(res, cookieName(requestId), cookieOptions(publicUrl));
}

function parsePending(text: string): PendingRequest | undefined {
  try {
    const value = JSON.parse(text) as Partial<PendingRequest>;
    return typeof value.provider === 'string' && typeof value.binding === 'string' ? (value as PendingRequest) : undefined;
  } catch {
    return undefined; // stored before requests were bound to browsers: refused
  }
}
