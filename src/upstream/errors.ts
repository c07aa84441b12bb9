/**
 * Upstream errors, mapped (upstream.md "Upstream errors are mapped"): never passed through raw, never
 * a 500, never fedbroker's own AWS keys in a message. The caller learns what happened and, for a
 * refusal, what to fix in the AWS role; the operator's log gets AWS's code and request id.
 *
 *   AccessDenied                 → AccessDenied naming the AWS role and its trust policy
 *   Throttling                   → Throttling
 *   MalformedPolicyDocument, PackedPolicyTooLarge, ValidationError → the same code (the caller's input)
 *   fedbroker's own credentials refused or missing, RegionDisabled, network errors, timeouts, 5xx
 *                                → ServiceUnavailable (503) naming the upstream
 */
import type {
  AwsError} from '../errors.js';
import {
  AccessDenied,
  MalformedPolicyDocument,
  PackedPolicyTooLarge,
  quoteInput,
  ServiceUnavailable,
  Throttling,
  ValidationError,
} from '../errors.js';

/** What the log may say about an upstream failure. */
export interface UpstreamFailure {
  readonly code: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  /** AWS's message (or the client library's), with anything key-shaped removed. */
  readonly message: string;
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'SlowDown']);
const OWN_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'CredentialsProviderError',
]);

/** Access key ids and anything shaped like a secret or token: never in a log line. */
export function redact(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g, '$1…')
    .replace(/[A-Za-z0-9/+=_-]{32,}/g, '[redacted]')
    .slice(0, 500);
}

/** The facts of a failure of the AWS SDK (or of fetch), whatever its shape. */
export function describeFailure(e: unknown): UpstreamFailure {
  const err = e as { name?: unknown; code?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number; requestId?: string }; cause?: { code?: unknown } };
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  // Node's network errors carry their code (ECONNREFUSED…) on the error or its cause (fetch).
  const code = typeof err?.code === 'string' ? err.code : typeof err?.cause?.code === 'string' ? err.cause.code : name;
  return {
    code: code === 'Error' || code === 'TypeError' ? name : code,
    ...(err?.$metadata?.httpStatusCode !== undefined ? { httpStatus: err.$metadata.httpStatusCode } : {}),
    ...(err?.$metadata?.requestId !== undefined ? { requestId: err.$metadata.requestId } : {}),
    message: redact(typeof err?.message === 'string' ? err.message : String(e)),
  };
}

export interface MappingContext {
  /** The AWS role (upstream.roleArn), or undefined for calls about fedbroker itself (GetCallerIdentity). */
  readonly roleArn?: string;
  /** The upstream STS endpoint, as the operator configured it (or the SDK's regional default). */
  readonly endpoint: string;
  readonly region: string;
  readonly timeoutMs: number;
  /** True when the whole call ran out of time (our own timer fired). */
  readonly timedOut?: boolean;
}

/** An upstream STS failure → the AWS error fedbroker answers with. */
export function mapStsFailure(failure: UpstreamFailure, ctx: MappingContext): AwsError {
  const code = failure.code;
  const role = ctx.roleArn ?? 'the upstream';
  if (ctx.timedOut === true || code === 'TimeoutError' || code === 'AbortError' || code === 'ETIMEDOUT') {
    return new ServiceUnavailable(`The upstream AWS STS (${ctx.endpoint}) did not answer within ${ctx.timeoutMs} ms for ${role}. Try again later.`);
  }
  if (failure.httpStatus !== undefined && failure.httpStatus >= 500) {
    return new ServiceUnavailable(`The upstream AWS STS (${ctx.endpoint}) failed (HTTP ${failure.httpStatus}) for ${role}. Try again later.`);
  }
  if (THROTTLING.has(code)) return new Throttling(`Rate exceeded: the upstream AWS STS is throttling fedbroker's requests for ${role}. Try again shortly.`);
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return new AccessDenied(
      ctx.roleArn === undefined
        ? 'The upstream AWS STS refused fedbroker (AccessDenied).'
        : `The AWS role ${ctx.roleArn} refused fedbroker: its trust policy must allow fedbroker's AWS identity sts:AssumeRole, ` +
            'and sts:TagSession and sts:SetSourceIdentity when the role passes session tags or the source identity (with any conditions on them met).',
    );
  }
  if (code === 'RegionDisabledException' || code === 'RegionDisabled') {
    return new ServiceUnavailable(
      `AWS STS is not activated in region ${ctx.region} for the account of ${role}: activate the region in that account's IAM settings, or set upstream.region.`,
    );
  }
  const awsMessage = quoteInput(failure.message, 300);
  if (code === 'MalformedPolicyDocument' || code === 'MalformedPolicyDocumentException') {
    return new MalformedPolicyDocument(`The upstream AWS STS refused the session policy for ${role}: ${awsMessage}`);
  }
  if (code === 'PackedPolicyTooLarge' || code === 'PackedPolicyTooLargeException') {
    return new PackedPolicyTooLarge(`The upstream AWS STS refused the session policy and tags for ${role} as too large: ${awsMessage}`);
  }
  if (code === 'ValidationError' || code === 'InvalidParameterValue' || code === 'InvalidParameterCombination') {
    return new ValidationError(`The upstream AWS STS refused the request for ${role}: ${awsMessage}`);
  }
  if (OWN_CREDENTIALS.has(code)) {
    return new ServiceUnavailable(`The upstream AWS STS refused fedbroker's own AWS credentials (${code}), or fedbroker has none: the operator must fix upstream.credentials.`);
  }
  return new ServiceUnavailable(`The upstream AWS STS (${ctx.endpoint}) could not be reached for ${role} (${quoteInput(code, 64)}). Try again later.`);
}
