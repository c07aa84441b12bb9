/**
 * The signature: only the provider's keys, only its allowed algorithms, and the issuer pinned to that
 * provider. jose picks and imports the key (JWK matching by kid/alg/kty/crv/use, as jose's
 * `createLocalJWKSet` does); the RSA/ECDSA/EdDSA check itself runs synchronously in node:crypto on a
 * KeyObject prepared once per key. jose's `jwtVerify` would verify the same bytes through WebCrypto,
 * whose asynchronous job costs ~50 µs more per token than the check itself (platform-notes: jose RS256
 * ~11,000/s against node:crypto RSA-2048 ~40,000/s). Everything else `jwtVerify` checks is checked in
 * this pipeline: compact shape and JSON (checkTokenShape), alg allow-list (checkAlgorithm, and again
 * here), `crit`/`b64` (here), key strength (here), exp/nbf/iat (checkTimes), issuer (here).
 */
import { constants, KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { AwsError, InvalidIdentityToken } from '../../../errors.js';
import { keyUnavailable } from '../keyErrors.js';
import type { DecodedToken, TrustedOidcProvider } from '../types.js';

interface AlgorithmParams {
  /** Digest for node:crypto verify (null: EdDSA hashes internally). */
  readonly digest: string | null;
  readonly keyType: 'rsa' | 'ec' | 'eddsa';
  readonly pss?: true;
  /** JWS ECDSA signatures are r||s of fixed length (RFC 7518 §3.4). */
  readonly curve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
}

const ALGORITHMS: ReadonlyMap<string, AlgorithmParams> = new Map([
  ['RS256', { digest: 'sha256', keyType: 'rsa' }],
  ['RS384', { digest: 'sha384', keyType: 'rsa' }],
  ['RS512', { digest: 'sha512', keyType: 'rsa' }],
  ['PS256', { digest: 'sha256', keyType: 'rsa', pss: true }],
  ['PS384', { digest: 'sha384', keyType: 'rsa', pss: true }],
  ['PS512', { digest: 'sha512', keyType: 'rsa', pss: true }],
  ['ES256', { digest: 'sha256', keyType: 'ec', curve: 'prime256v1' }],
  ['ES384', { digest: 'sha384', keyType: 'ec', curve: 'secp384r1' }],
  ['ES512', { digest: 'sha512', keyType: 'ec', curve: 'secp521r1' }],
  ['EdDSA', { digest: null, keyType: 'eddsa' }],
] as const satisfies readonly (readonly [string, AlgorithmParams])[]);

/** JWS header parameters this verifier understands when listed in `crit` (none: RFC 7515 §4.1.11). */
const UNDERSTOOD_CRITICAL: ReadonlySet<string> = new Set();

/** node:crypto verify input per imported key and algorithm, built once (keys are reused for many tokens). */
const prepared = new WeakMap<CryptoKey, Map<string, VerifyKeyObjectInput>>();

function verifyInput(key: CryptoKey, alg: string, params: AlgorithmParams): VerifyKeyObjectInput {
  let byAlg = prepared.get(key);
  const known = byAlg?.get(alg);
  if (known !== undefined) return known;
  let keyObject: KeyObject;
  try {
    keyObject = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
  } catch (e) {
    throw keyUnavailable(e);
  }
  const keyType = keyObject.asymmetricKeyType === 'ed25519' || keyObject.asymmetricKeyType === 'ed448' ? 'eddsa' : keyObject.asymmetricKeyType;
  if (keyObject.type !== 'public' || keyType !== params.keyType) {
    throw new InvalidIdentityToken("The token's signature algorithm is not supported by the identity provider's keys");
  }
  const details = keyObject.asymmetricKeyDetails ?? {};
  if (params.keyType === 'rsa' && (details.modulusLength ?? 0) < 2048) {
    // The provider publishes a key too weak to trust (jose refuses these too).
    throw new InvalidIdentityToken('The token could not be verified: the identity provider key is shorter than 2048 bits');
  }
  if (params.curve !== undefined && details.namedCurve !== params.curve) {
    throw new InvalidIdentityToken("The token's signature algorithm is not supported by the identity provider's keys");
  }
  const input: VerifyKeyObjectInput = params.pss
    ? { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : params.keyType === 'ec'
      ? { key: keyObject, dsaEncoding: 'ieee-p1363' }
      : { key: keyObject };
  if (byAlg === undefined) {
    byAlg = new Map();
    prepared.set(key, byAlg);
  }
  byAlg.set(alg, input);
  return input;
}

function checkCritical(header: Readonly<Record<string, unknown>>): void {
  if (header.b64 !== undefined && header.b64 !== true) {
    throw new InvalidIdentityToken('The token is not a valid signed JWT: JWTs must not use an unencoded payload (b64)');
  }
  const crit = header.crit;
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0 || crit.some((name) => typeof name !== 'string' || !UNDERSTOOD_CRITICAL.has(name))) {
    throw new InvalidIdentityToken('The token header marks extensions as critical (crit) that are not supported');
  }
}

/**
 * Verifies the token's signature with the provider's key and returns its claims (the payload).
 * Throws InvalidIdentityToken for a bad signature, issuer, algorithm or header; key source errors
 * (unknown kid, provider unreachable) pass through as the key source words them.
 */
export async function verifySignature(token: DecodedToken, provider: TrustedOidcProvider): Promise<Readonly<Record<string, unknown>>> {
  const { header, payload, compact } = token;
  if (typeof payload.iss !== 'string' || !provider.issuers.includes(payload.iss)) {
    throw new InvalidIdentityToken('Incorrect token issuer');
  }
  const alg = header.alg;
  const params = typeof alg === 'string' && provider.algorithms.includes(alg) ? ALGORITHMS.get(alg) : undefined;
  if (params === undefined) throw new InvalidIdentityToken("The token's signature algorithm is not accepted");
  checkCritical(header);

  const dot = compact.lastIndexOf('.');
  const signingInput = compact.slice(0, dot);
  let key: CryptoKey;
  try {
    const headerEnd = signingInput.indexOf('.');
    key = await provider.getKey(header, {
      protected: signingInput.slice(0, headerEnd),
      payload: signingInput.slice(headerEnd + 1),
      signature: compact.slice(dot + 1),
    });
  } catch (e) {
    if (e instanceof AwsError) throw e;
    throw new InvalidIdentityToken('The token could not be verified', { cause: e });
  }
  const input = verifyInput(key, alg as string, params);
  let valid: boolean;
  try {
    valid = verify(params.digest, Buffer.from(signingInput, 'latin1'), input, Buffer.from(compact.slice(dot + 1), 'base64url'));
  } catch {
    valid = false; // e.g. an ECDSA signature of the wrong length
  }
  if (!valid) throw new InvalidIdentityToken('The token signature is invalid');
  return payload;
}
