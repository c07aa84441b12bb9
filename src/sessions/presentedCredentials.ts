/**
 * Temporary credentials presented outside a SigV4 signature — the federation endpoint's Session
 * parameter, POST /authorize's `credentials` — checked as a signature check would: the session token
 * is ours and unexpired, the access key id (and the secret, when given) are the ones sealed in it
 * (constant time), and the session is not revoked.
 * Throws ExpiredToken, or InvalidClientTokenId for everything else.
 */
import { InvalidClientTokenId } from '../errors.js';
import type { SessionClaims } from '../credentials/types.js';
import { constantTimeEqual } from '../keys/constantTime.js';
import type { RevocationCache } from './revocations.js';

/** Opens a session token as openSessionToken does (the broker's OpenedTokenCache). */
export interface SessionTokenOpener {
  open(token: string, now: number): SessionClaims;
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';

export interface PresentedCredentials {
  readonly accessKeyId: string;
  readonly sessionToken: string;
  readonly secretAccessKey?: string;
}

export function openPresentedCredentials(tokens: SessionTokenOpener, revocations: RevocationCache, presented: PresentedCredentials, now: number): SessionClaims {
  const claims = tokens.open(presented.sessionToken, now);
  const secretMatches = presented.secretAccessKey === undefined || constantTimeEqual(presented.secretAccessKey, claims.secretAccessKey);
  if (!constantTimeEqual(presented.accessKeyId, claims.accessKeyId) || !secretMatches || revocations.isRevoked(claims)) {
    throw new InvalidClientTokenId(INVALID_TOKEN);
  }
  return claims;
}
