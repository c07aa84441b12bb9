/**
 * One error class per AWS error code, in the style of `jose`'s errors: thrown anywhere, carrying the
 * wire code and HTTP status, rendered once by protocol/ into an AWS `ErrorResponse`.
 *
 * Messages are shown to callers: they say what to fix and never contain secrets, tokens or stack traces.
 */

export type ErrorType = 'Sender' | 'Receiver';

export abstract class AwsError extends Error {
  /** The `<Code>` on the wire. */
  abstract readonly code: string;
  /** HTTP status of the ErrorResponse. */
  abstract readonly httpStatus: number;

  get type(): ErrorType {
    return this.httpStatus >= 500 ? 'Receiver' : 'Sender';
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Client input quoted in an error message: printable ASCII only (anything else becomes `?`, so no
 * control character or look-alike reaches a log or terminal) and at most `max` characters.
 */
export function quoteInput(text: string, max: number): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

// ---- request shape -------------------------------------------------------------------------

export class MissingParameter extends AwsError {
  readonly code = 'MissingParameter';
  readonly httpStatus = 400;
}

export class InvalidParameterValue extends AwsError {
  readonly code = 'InvalidParameterValue';
  readonly httpStatus = 400;
}

export class ValidationError extends AwsError {
  readonly code = 'ValidationError';
  readonly httpStatus = 400;
}

export class InvalidAction extends AwsError {
  readonly code = 'InvalidAction';
  readonly httpStatus = 400;
}

export class MalformedPolicyDocument extends AwsError {
  readonly code = 'MalformedPolicyDocument';
  readonly httpStatus = 400;
}

export class PackedPolicyTooLarge extends AwsError {
  readonly code = 'PackedPolicyTooLarge';
  readonly httpStatus = 400;
}

export class RequestEntityTooLarge extends AwsError {
  readonly code = 'RequestEntityTooLarge';
  readonly httpStatus = 413;
}

// ---- federation -----------------------------------------------------------------------------

export class InvalidIdentityToken extends AwsError {
  readonly code = 'InvalidIdentityToken';
  readonly httpStatus = 400;
}

export class ExpiredToken extends AwsError {
  readonly code = 'ExpiredTokenException';
  readonly httpStatus = 400;
}

export class IDPRejectedClaim extends AwsError {
  readonly code = 'IDPRejectedClaim';
  readonly httpStatus = 403;
}

export class IDPCommunicationError extends AwsError {
  readonly code = 'IDPCommunicationError';
  readonly httpStatus = 400;
}

// ---- authorisation --------------------------------------------------------------------------

export class AccessDenied extends AwsError {
  readonly code = 'AccessDenied';
  readonly httpStatus = 403;
  /** The explanation, or the function that builds it on first use (a denial nobody encodes costs nothing). */
  private explanationSource: unknown;

  /**
   * `explanation` may be a function: it runs once, when the explanation is first read.
   */
  constructor(message: string, options?: { cause?: unknown; explanation?: unknown }) {
    super(message, options);
    this.explanationSource = options?.explanation;
  }

  /**
   * Full explanation of a policy denial (which statement denied, which condition failed). Never sent
   * in clear: the protocol layer seals it into an "Encoded authorization failure message" that only
   * DecodeAuthorizationMessage can open.
   */
  get explanation(): unknown {
    if (typeof this.explanationSource === 'function') this.explanationSource = (this.explanationSource as () => unknown)();
    return this.explanationSource;
  }
}

export class InvalidAuthorizationMessage extends AwsError {
  readonly code = 'InvalidAuthorizationMessageException';
  readonly httpStatus = 400;
}

// ---- SigV4 ----------------------------------------------------------------------------------

export class InvalidClientTokenId extends AwsError {
  readonly code = 'InvalidClientTokenId';
  readonly httpStatus = 403;
}

export class SignatureDoesNotMatch extends AwsError {
  readonly code = 'SignatureDoesNotMatch';
  readonly httpStatus = 403;
}

export class IncompleteSignature extends AwsError {
  readonly code = 'IncompleteSignature';
  readonly httpStatus = 403;
}

export class MissingAuthenticationToken extends AwsError {
  readonly code = 'MissingAuthenticationToken';
  readonly httpStatus = 403;
}

export class RequestExpired extends AwsError {
  readonly code = 'RequestExpired';
  readonly httpStatus = 403;
}

// ---- IAM entities (MFA devices) -------------------------------------------------------------

export class NoSuchEntity extends AwsError {
  readonly code = 'NoSuchEntity';
  readonly httpStatus = 404;
}

export class EntityAlreadyExists extends AwsError {
  readonly code = 'EntityAlreadyExists';
  readonly httpStatus = 409;
}

export class LimitExceeded extends AwsError {
  readonly code = 'LimitExceeded';
  readonly httpStatus = 409;
}

export class DeleteConflict extends AwsError {
  readonly code = 'DeleteConflict';
  readonly httpStatus = 409;
}

export class InvalidAuthenticationCode extends AwsError {
  readonly code = 'InvalidAuthenticationCode';
  readonly httpStatus = 403;
}

// ---- service --------------------------------------------------------------------------------

export class Throttling extends AwsError {
  readonly code = 'Throttling';
  readonly httpStatus = 400;
  constructor(message = 'Rate exceeded') {
    super(message);
  }
}

export class InternalFailure extends AwsError {
  readonly code = 'InternalFailure';
  readonly httpStatus = 500;
  constructor(message = 'The request processing has failed because of an unknown error, exception or failure.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ServiceUnavailable extends AwsError {
  readonly code = 'ServiceUnavailable';
  readonly httpStatus = 503;
  constructor(message = 'The service is temporarily unavailable. Try again later.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A request from an AWS client to a path where the broker has no API (a wrong --endpoint-url). */
export class NotFound extends AwsError {
  readonly code = 'NotFound';
  readonly httpStatus = 404;
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
