/**
 * DecodeAuthorizationMessage: AccessDenied messages end with an "Encoded authorization failure
 * message" — the full explanation of the denial (which statement denied, which condition failed),
 * sealed by the key ring so only the broker can open it. A caller allowed
 * sts:DecodeAuthorizationMessage gets it back as JSON.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InternalFailure, InvalidAuthorizationMessage } from '../errors.js';
import type { Broker } from '../broker.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { PolicyExplanation } from '../policy/types.js';
import { defineAction } from '../protocol/action.js';
import { authorizeCaller } from './common/callerPolicy.js';
import { refuseFederatedUser, refuseSessionTokenCredentials } from './common/signedCaller.js';

const PURPOSE = 'authorization-message';
/** DecodeAuthorizationMessage's EncodedMessage limit (the API model): every message must fit. */
const MAX_ENCODED_CHARS = 10_240;
/** Plaintext format: this byte, then the explanation as raw-DEFLATE JSON (older messages are plain JSON). */
const DEFLATED = 0x01;

/**
 * The sealed explanation, always short enough to be decoded (≤ 10,240 characters): compressed, and
 * if a caller with many policies still makes it too long, first without the statements that did not
 * even match the action, resource or principal, then as the request alone (`truncated: true`).
 */
export function encodeAuthorizationMessage(keyRing: KeyRing, explanation: unknown): string {
  const full = { allowed: false, explicitDeny: hasExplicitDeny(explanation), ...(explanation as object) };
  const policies = (explanation as { policies?: PolicyExplanation[] } | undefined)?.policies;
  const relevant = policies?.map((p) => ({ ...p, statements: p.statements.filter((st) => st.outcome.applies || !['action', 'resource', 'principal'].includes(st.outcome.reason)) }));
  const candidates = [
    full,
    ...(relevant ? [{ ...full, policies: relevant, truncated: true }] : []),
    { allowed: false, explicitDeny: full.explicitDeny, request: (explanation as { request?: unknown } | undefined)?.request, truncated: true },
  ];
  for (const candidate of candidates) {
    const packed = Buffer.concat([Buffer.from([DEFLATED]), deflateRawSync(Buffer.from(JSON.stringify(candidate), 'utf8'))]);
    const encoded = keyRing.seal(PURPOSE, packed).toString('base64url');
    if (encoded.length <= MAX_ENCODED_CHARS) return encoded;
  }
  return keyRing.seal(PURPOSE, Buffer.from('{"allowed":false,"truncated":true}', 'utf8')).toString('base64url');
}

export function decodeAuthorizationMessageText(keyRing: KeyRing, encoded: string): string {
  let plaintext: Buffer;
  try {
    plaintext = keyRing.open(PURPOSE, Buffer.from(encoded.trim(), 'base64url'));
  } catch {
    throw new InvalidAuthorizationMessage('The encoded authorization message is invalid, tampered with, or was not issued by this broker.');
  }
  return plaintext[0] === DEFLATED ? inflateRawSync(plaintext.subarray(1), { maxOutputLength: 4 * 1024 * 1024 }).toString('utf8') : plaintext.toString('utf8');
}

function hasExplicitDeny(explanation: unknown): boolean {
  const policies = (explanation as { policies?: PolicyExplanation[] } | undefined)?.policies ?? [];
  return policies.some((p) => p.statements.some((s) => s.ref.effect === 'Deny' && s.outcome.applies));
}

export function decodeAuthorizationMessage(broker: Broker) {
  return defineAction({
    name: 'DecodeAuthorizationMessage',
    service: 'sts',
    auth: 'sigv4',
    // CloudTrail does not log DecodeAuthorizationMessage (G10497), so a decoded message is no audit
    // event; a denial is (semantics.md "Audit": every denial). The encoded message itself is neither
    // logged nor echoed.
    audit: 'failures',
    params: { EncodedMessage: { type: 'string', required: true, min: 1, max: 10240, sensitive: true } },
    async handle({ params, caller, request }) {
      if (caller === undefined) throw new InternalFailure();
      // G9663/G9664: GetFederationToken and GetSessionToken credentials call no STS action but
      // GetCallerIdentity (and, for GetSessionToken's, AssumeRole).
      refuseFederatedUser(caller, 'DecodeAuthorizationMessage');
      refuseSessionTokenCredentials(caller, 'DecodeAuthorizationMessage');
      authorizeCaller(broker, caller, request, 'sts:DecodeAuthorizationMessage', '*');
      return { DecodedMessage: decodeAuthorizationMessageText(broker.keyRing, params.EncodedMessage) };
    },
  });
}
