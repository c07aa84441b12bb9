/**
 * DecodeAuthorizationMessage: AccessDenied messages end with an "Encoded authorization failure
 * message" — the explanation of the denial (which statement denied, which condition failed),
 * sealed by the key ring so only the broker can open it. A caller allowed
 * sts:DecodeAuthorizationMessage gets it back as JSON.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { InternalFailure, InvalidAuthorizationMessage } from '../errors.js';
import type { Broker } from '../broker.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { PolicyExplanation, PolicyKind, StatementExplanation } from '../policy/types.js';
import { defineAction } from '../protocol/action.js';
import { authorizeCaller } from './common/callerPolicy.js';
import { refuseFederatedUser, refuseSessionTokenCredentials } from './common/signedCaller.js';

const PURPOSE = 'authorization-message';
/** DecodeAuthorizationMessage's EncodedMessage limit (the API model): every message must fit. */
const MAX_ENCODED_CHARS = 10_240;
/** Plaintext formats: this byte, then the explanation as raw-DEFLATE JSON (older messages are plain JSON)… */
const DEFLATED = 0x01;
/** …or this byte, the length of the DEFLATE data (4 bytes, big-endian), the data, and zero padding. */
const PADDED = 0x02;
/**
 * Sealed plaintexts are padded to a multiple of this many bytes, so the length of an encoded message
 * does not tell a role that does not exist from one whose (short) trust policy refuses.
 */
const PAD_BLOCK = 1024;
/** Policies that belong to someone other than the caller: their expected values are never sealed. */
const FOREIGN_KINDS: ReadonlySet<PolicyKind> = new Set(['trust', 'resource']);

/**
 * The sealed explanation, always short enough to be decoded (≤ 10,240 characters): compressed, and
 * if a caller with many policies still makes it too long, first without the statements that did not
 * even match the action, resource or principal, then as the request alone (`truncated: true`).
 * What a trust or resource policy expects is left out (`concealForeignValues`).
 */
export function encodeAuthorizationMessage(keyRing: KeyRing, explanation: unknown): string {
  const concealed = concealForeignValues(explanation);
  const full = { allowed: false, explicitDeny: hasExplicitDeny(concealed), ...(concealed as object) };
  const policies = (concealed as { policies?: PolicyExplanation[] } | undefined)?.policies;
  const relevant = policies?.map((p) => ({ ...p, statements: p.statements.filter((st) => st.outcome.applies || !['action', 'resource', 'principal'].includes(st.outcome.reason)) }));
  const candidates = [
    full,
    ...(relevant ? [{ ...full, policies: relevant, truncated: true }] : []),
    { allowed: false, explicitDeny: full.explicitDeny, request: (concealed as { request?: unknown } | undefined)?.request, truncated: true },
  ];
  for (const candidate of candidates) {
    const encoded = keyRing.seal(PURPOSE, pack(JSON.stringify(candidate))).toString('base64url');
    if (encoded.length <= MAX_ENCODED_CHARS) return encoded;
  }
  return keyRing.seal(PURPOSE, Buffer.from('{"allowed":false,"truncated":true}', 'utf8')).toString('base64url');
}

function pack(json: string): Buffer {
  const deflated = deflateRawSync(Buffer.from(json, 'utf8'));
  const length = 5 + deflated.length;
  const packed = Buffer.alloc(Math.ceil(length / PAD_BLOCK) * PAD_BLOCK);
  packed[0] = PADDED;
  packed.writeUInt32BE(deflated.length, 1);
  deflated.copy(packed, 5);
  return packed;
}

/**
 * security.md "Found by review": a denial by a trust or resource policy says which statement and which
 * condition key failed, never the values the policy expects (an sts:ExternalId, a list of subjects,
 * an IP range). The caller's own permission layers (identity, session, boundary) keep them: only a
 * principal allowed sts:DecodeAuthorizationMessage reads them, about its own permissions.
 */
function concealForeignValues(explanation: unknown): unknown {
  const policies = (explanation as { policies?: unknown } | undefined)?.policies;
  if (!Array.isArray(policies)) return explanation;
  return {
    ...(explanation as object),
    policies: (policies as PolicyExplanation[]).map((p) => (FOREIGN_KINDS.has(p.kind) ? { ...p, statements: p.statements.map(withoutExpectedValues) } : p)),
  };
}

function withoutExpectedValues(statement: StatementExplanation): unknown {
  const o = statement.outcome;
  if (o.applies || o.reason !== 'condition') return statement;
  return { ref: statement.ref, outcome: { applies: false, reason: 'condition', operator: o.operator, key: o.key, actual: o.actual } };
}

export function decodeAuthorizationMessageText(keyRing: KeyRing, encoded: string): string {
  let plaintext: Buffer;
  try {
    plaintext = keyRing.open(PURPOSE, Buffer.from(encoded.trim(), 'base64url'));
  } catch {
    throw new InvalidAuthorizationMessage('The encoded authorization message is invalid, tampered with, or was not issued by this broker.');
  }
  const inflate = (data: Buffer) => inflateRawSync(data, { maxOutputLength: 4 * 1024 * 1024 }).toString('utf8');
  if (plaintext[0] === PADDED) return inflate(plaintext.subarray(5, 5 + plaintext.readUInt32BE(1)));
  return plaintext[0] === DEFLATED ? inflate(plaintext.subarray(1)) : plaintext.toString('utf8');
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
