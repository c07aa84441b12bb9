/**
 * Temporary credentials presented outside a SigV4 signature — the federation endpoint's Session
 * parameter, POST /authorize's `credentials` — checked as a signature check would: the session token
 * is ours and unexpired, the access key id and the secret are the ones sealed in it
 * (constant time), and the session is still valid (sessionValidity.ts).
 * Throws ExpiredToken, or InvalidClientTokenId for everything else.
 */
import { InvalidClientTokenId } from '../errors.js';
import type { SessionClaims } from '../credentials/types.js';
import { constantTimeEqual } from '../keys/constantTime.js';
import type { SessionValidity } from './sessionValidity.js';

const INVALID_TOKEN = 'The security token included in the request is invalid.';

export interface PresentedCredentials {
  readonly accessKeyId: string;
  readonly sessionToken: string;
  readonly secretAccessKey: string;
}

/** Opens a session token as openSessionToken does (the broker's OpenedTokenCache). */
export interface SessionTokenOpener {
  open(token: string, now: number): SessionClaims;
}

export function openPresentedCredentials(tokens: SessionTokenOpener, validity: SessionValidity, presented: PresentedCredentials, now: number): SessionClaims {
  const claims = tokens.open(presented.sessionToken, now);
  // Both compared (no short cut): the time taken says nothing about which one differs.
  const idMatches = constantTimeEqual(presented.accessKeyId, claims.accessKeyId);
  const secretMatches = constantTimeEqual(presented.secretAccessKey, claims.secretAccessKey);
  if (!idMatches || !secretMatches || !validity.isValid(claims)) {
    throw new InvalidClientTokenId(INVALID_TOKEN);
  }
  return claims;
}
