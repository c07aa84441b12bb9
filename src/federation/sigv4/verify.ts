/**
 * Verifying a parsed SigV4 signature with the caller's secret, in this order:
 * credential-scope date = X-Amz-Date date → signing time within the clock-skew / presign window →
 * payload hash → HMAC signature (constant-time compare).
 *
 * Presigned requests are valid from X-Amz-Date for min(X-Amz-Expires, 15 minutes): STS enforces its
 * 15-minute window on presigned URLs too, whatever X-Amz-Expires says, and a short X-Amz-Expires
 * (aws-iam-authenticator uses 60) shortens it. Past it: SignatureDoesNotMatch "Signature expired: …".
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { IncompleteSignature, SignatureDoesNotMatch } from '../../errors.js';
import { MAX_CLOCK_SKEW_MS, checkSigningTime } from './amzDate.js';
import { canonicalRequest } from './canonicalRequest.js';
import { ALGORITHM } from './parse.js';
import type { ParsedSigV4 } from './parse.js';
import { signingKey } from './signingKey.js';

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SIGNATURE_HEX = /^[0-9a-fA-F]{64}$/;

/** Throws SignatureDoesNotMatch or IncompleteSignature; returns normally when the signature is good. */
export function verifySigV4(parsed: ParsedSigV4, secretAccessKey: string, now: number): void {
  const dateOfSigning = parsed.amzDate.slice(0, 8);
  if (parsed.scopeDate !== dateOfSigning) {
    throw new SignatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.scopeDate}' != '${dateOfSigning}', from '${parsed.amzDate}'.`,
    );
  }
  const windowMs = parsed.expiresSeconds === undefined ? MAX_CLOCK_SKEW_MS : Math.min(parsed.expiresSeconds * 1000, MAX_CLOCK_SKEW_MS);
  checkSigningTime(parsed.amzDate, parsed.signedAt, now, windowMs);

  const payloadHash = payloadHashOf(parsed);
  const scope = `${parsed.scopeDate}/${parsed.region}/${parsed.service}/aws4_request`;
  const hashedRequest = hash('sha256', canonicalRequest(parsed, payloadHash), 'hex');
  const stringToSign = `${ALGORITHM}\n${parsed.amzDate}\n${scope}\n${hashedRequest}`;
  const key = signingKey(parsed.accessKeyId, secretAccessKey, parsed.scopeDate, parsed.region, parsed.service);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!SIGNATURE_HEX.test(parsed.signature) || !timingSafeEqual(expected, Buffer.from(parsed.signature, 'hex'))) {
    throw new SignatureDoesNotMatch(SIGNATURE_MISMATCH);
  }
}

/**
 * The payload hash the client signed. A declared x-amz-content-sha256 must be the body's real hash
 * (otherwise the body would not be covered by the signature); UNSIGNED-PAYLOAD only for presigned
 * requests without a body, since STS parameters travel in the body — and for S3, which streams
 * bodies unsigned (only ever a request forwarded to POST /authorize, which acts on no body).
 */
function payloadHashOf(parsed: ParsedSigV4): string {
  const body = parsed.request.body;
  const declared = parsed.headers.get('x-amz-content-sha256') ?? (parsed.form === 'query' ? parsed.request.query.get('X-Amz-Content-Sha256') ?? undefined : undefined);
  if (declared === UNSIGNED_PAYLOAD) {
    if ((parsed.form === 'query' && body.length === 0) || parsed.service === 's3') return UNSIGNED_PAYLOAD;
    throw new IncompleteSignature('UNSIGNED-PAYLOAD is accepted only for presigned requests without a body: sign the body.');
  }
  const actual = hash('sha256', body, 'hex');
  if (declared === undefined) return actual;
  if (declared.toLowerCase() !== actual) throw new SignatureDoesNotMatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
  return declared;
}
