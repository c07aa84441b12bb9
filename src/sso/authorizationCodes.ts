/**
 * Authorization codes of the loopback flow (newer AWS CLIs: /sso-oidc/authorize → redirect to
 * http://127.0.0.1:PORT/… → CreateToken with grant authorization_code and PKCE). A code is stored
 * under its hash for 5 minutes and taken once; it is bound to the client, the exact redirect_uri of
 * the request and the S256 code challenge.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../keys/constantTime.js';
import type { Store } from '../store/types.js';
import type { Client } from './clients.js';
import { randomId, sha256Url } from './codes.js';
import { InvalidGrantException, InvalidRequestException } from './errors.js';
import type { Person } from './person.js';
import { AUTHORIZATION_CODE_TTL_SECONDS } from './settings.js';

const NS = 'sso-auth-code';

interface PendingCode {
  readonly clientRef: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly person: Person;
}

/** A PKCE S256 code challenge: base64url of a SHA-256, 43 characters. */
export function isS256Challenge(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export class AuthorizationCodes {
  constructor(private readonly store: Store) {}

  async issue(input: PendingCode, nowMs = Date.now()): Promise<string> {
    const code = randomId(32);
    await this.store.putItem(NS, sha256Url(code), JSON.stringify(input), nowMs + AUTHORIZATION_CODE_TTL_SECONDS * 1000);
    return code;
  }

  /** The authorization_code grant: the code (once), for this client, redirect_uri and verifier. */
  async redeem(input: { readonly code?: unknown; readonly redirectUri?: unknown; readonly codeVerifier?: unknown }, client: Client): Promise<{ readonly person: Person; readonly scopes: readonly string[] }> {
    const { code, redirectUri, codeVerifier } = input;
    if (typeof code !== 'string' || code === '') throw new InvalidRequestException('code is required for the authorization_code grant');
    if (typeof redirectUri !== 'string' || redirectUri === '') throw new InvalidRequestException('redirectUri is required for the authorization_code grant');
    if (typeof codeVerifier !== 'string' || !/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) throw new InvalidGrantException('A valid codeVerifier (PKCE) is required');
    if (code.length > 128) throw new InvalidGrantException('Invalid authorization code provided');
    // Taken before it is checked: a code gets one try, whatever the outcome.
    const stored = await this.store.takeItem(NS, sha256Url(code));
    if (stored === null) throw new InvalidGrantException('Invalid authorization code provided');
    const pending = JSON.parse(stored) as PendingCode;
    if (pending.clientRef !== client.ref) throw new InvalidGrantException('Invalid authorization code provided');
    if (pending.redirectUri !== redirectUri) throw new InvalidGrantException('redirectUri does not match the authorization request');
    const challenge = createHash('sha256').update(codeVerifier).digest('base64url');
    if (!constantTimeEqual(challenge, pending.codeChallenge)) throw new InvalidGrantException('codeVerifier does not match the code challenge');
    return { person: pending.person, scopes: pending.scopes };
  }
}
