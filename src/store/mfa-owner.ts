import type { MfaOwner } from './types.js';

/**
 * The stable lookup key of an MFA device owner: `user:<name>` or `federated:<provider>|<subject>`.
 * Provider names never contain `|` (they are issuer hosts/paths), so the key is unambiguous even
 * when a subject does (Auth0's `auth0|123`).
 */
export function mfaOwnerKey(owner: MfaOwner | null): string | null {
  if (owner === null) return null;
  return owner.kind === 'user' ? `user:${owner.userName}` : `federated:${owner.provider}|${owner.subject}`;
}

/** The owner as stored in a text column (null stays null). */
export function encodeMfaOwner(owner: MfaOwner | null): string | null {
  if (owner === null) return null;
  return JSON.stringify(
    owner.kind === 'user'
      ? { kind: 'user', userName: owner.userName }
      : { kind: 'federated', provider: owner.provider, subject: owner.subject },
  );
}

/** Inverse of encodeMfaOwner; anything unreadable is a corrupted row, reported as such. */
export function decodeMfaOwner(text: string | null): MfaOwner | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (o.kind === 'user' && typeof o.userName === 'string') return { kind: 'user', userName: o.userName };
    if (o.kind === 'federated' && typeof o.provider === 'string' && typeof o.subject === 'string') {
      return { kind: 'federated', provider: o.provider, subject: o.subject };
    }
  }
  throw new Error('stored MFA device owner is not readable');
}
