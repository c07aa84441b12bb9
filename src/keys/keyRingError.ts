/**
 * Failures of the key ring. A plain Error (not an AwsError): callers map it to the wire error that
 * fits their context (a bad session token is InvalidClientTokenId, a bad cookie is a sign-in page…).
 * Messages never contain key material or the sealed data.
 */
export type KeyRingErrorCode =
  /** The sealed data names a key id this ring does not hold (removed, or another deployment's). */
  | 'unknown-key'
  /** Not something this ring produced: too short, wrong version byte, bad kid length. */
  | 'bad-format'
  /** AES-GCM authentication failed: tampered, wrong purpose or wrong additional data. */
  | 'auth-failed'
  /** A key file cannot be used (too open permissions, unreadable, malformed). */
  | 'bad-key-file';

export class KeyRingError extends Error {
  readonly code: KeyRingErrorCode;

  constructor(code: KeyRingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyRingError';
    this.code = code;
  }
}
