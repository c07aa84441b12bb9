/**
 * DecodeAuthorizationMessage: AccessDenied messages end with an "Encoded authorization failure
 * message" — the full explanation of the denial (which statement denied, which condition failed),
 * sealed by the key ring so only the broker can open it. A caller allowed
 * sts:DecodeAuthorizationMessage gets it back as JSON.
 */
import { InternalFailure, InvalidAuthorizationMessage } from '../errors.js';
import type { Broker } from '../broker.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { PolicyExplanation } from '../policy/types.js';
import { defineAction } from '../protocol/action.js';
import { authorizeCaller } from './common/callerPolicy.js';

const PURPOSE = 'authorization-message';

export function encodeAuthorizationMessage(keyRing: KeyRing, explanation: unknown): string {
  const json = Buffer.from(JSON.stringify({ allowed: false, explicitDeny: hasExplicitDeny(explanation), ...(explanation as object) }), 'utf8');
  return keyRing.seal(PURPOSE, json).toString('base64url');
}

export function decodeAuthorizationMessageText(keyRing: KeyRing, encoded: string): string {
  try {
    return keyRing.open(PURPOSE, Buffer.from(encoded.trim(), 'base64url')).toString('utf8');
  } catch {
    throw new InvalidAuthorizationMessage('The encoded authorization message is invalid, tampered with, or was not issued by this broker.');
  }
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
      authorizeCaller(broker, caller, request, 'sts:DecodeAuthorizationMessage', '*');
      return { DecodedMessage: decodeAuthorizationMessageText(broker.keyRing, params.EncodedMessage) };
    },
  });
}
