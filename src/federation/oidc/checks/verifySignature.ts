/**
 * The signature, with jose: only the provider's keys, only its allowed algorithms, and the issuer
 * pinned to that provider. jose also checks exp/nbf with the same clock tolerance; such failures are
 * reported through checkTimes so that one place words every time error.
 */
import { errors, jwtVerify } from 'jose';
import { AwsError, InvalidIdentityToken } from '../../../errors.js';
import type { TrustedOidcProvider } from '../types.js';
import { checkTimes } from './checkTimes.js';

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat']);

function verificationError(error: unknown, provider: TrustedOidcProvider, nowMs: number): Error {
  if (error instanceof AwsError) return error; // from the key source: unknown kid, provider unreachable
  if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed) {
    if (TIME_CLAIMS.has(error.claim)) {
      try {
        checkTimes(error.payload, provider, nowMs);
      } catch (timeError) {
        return timeError as Error;
      }
    }
    if (error.claim === 'iss') return new InvalidIdentityToken('Incorrect token issuer');
    return new InvalidIdentityToken(`The token's ${error.claim} claim is invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidIdentityToken('The token signature is invalid');
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidIdentityToken("The token's signature algorithm is not accepted");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new InvalidIdentityToken('The token is not a valid signed JWT');
  }
  return new InvalidIdentityToken('The token could not be verified', { cause: error });
}

/** Returns the verified claims. @param nowMs the current time, epoch milliseconds. */
export async function verifySignature(
  compact: string,
  provider: TrustedOidcProvider,
  nowMs: number,
): Promise<Readonly<Record<string, unknown>>> {
  try {
    const { payload } = await jwtVerify(compact, provider.getKey, {
      algorithms: [...provider.algorithms],
      issuer: [...provider.issuers],
      clockTolerance: provider.clockSkewSeconds,
      currentDate: new Date(nowMs),
    });
    return payload;
  } catch (error) {
    throw verificationError(error, provider, nowMs);
  }
}
