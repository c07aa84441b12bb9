/**
 * How a failure to find a verification key is reported: a token naming a key the provider does not
 * publish is the caller's problem (InvalidIdentityToken); keys that cannot be obtained at all are the
 * provider's (IDPCommunicationError, with AWS's message). Messages never carry the token or keys.
 */
import { errors } from 'jose';
import { IDPCommunicationError, InvalidIdentityToken } from '../../errors.js';

/** AWS's message when the provider's keys cannot be retrieved. */
export const KEY_UNAVAILABLE_MESSAGE =
  "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements";

export function keyUnavailable(cause?: unknown): IDPCommunicationError {
  return new IDPCommunicationError(KEY_UNAVAILABLE_MESSAGE, { cause });
}

export function unknownKeyId(): InvalidIdentityToken {
  return new InvalidIdentityToken("The token's key id (kid) does not match any signing key of the identity provider");
}

/** Maps an error of a jose key-set lookup to the AWS error a caller gets. */
export function keySelectionError(error: unknown): Error {
  if (error instanceof errors.JWKSNoMatchingKey) return unknownKeyId();
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidIdentityToken(
      'The token has no key id (kid) and the identity provider publishes several keys for its algorithm',
    );
  }
  if (error instanceof errors.JOSENotSupported) {
    return new InvalidIdentityToken("The token's signature algorithm is not supported by the identity provider's keys");
  }
  // A published key that cannot be imported (malformed, private, too weak): the provider's fault.
  return keyUnavailable(error);
}
