/**
 * Access tokens opened once per token string, as the session tokens of SigV4 are
 * (federation/sigv4/callers.ts OpenedTokenCache): a CLI polls GetRoleCredentials and the portal API
 * with the same token for its whole life, and opening it (AES-GCM, base64url, JSON of the person) was
 * the largest single cost of GetRoleCredentials.
 *
 * Only the opening is cached: expiry is checked on every use here, and the caller still checks per
 * request what can change (CLI session ended, person revoked, provider disabled). The claims are
 * frozen, since every request with the token shares them. Bounded by entries and by the characters
 * of the cached tokens; the oldest entry goes first.
 */
import type { KeyRing } from '../keys/keyRing.js';
import { openAccessToken, type AccessTokenClaims } from './tokens.js';

const MAX_ENTRIES = 10_000;
/** ~16 MB of token text at most (a token of a person with many attributes is a few KB). */
const MAX_CHARS = 8_000_000;

export class OpenedAccessTokens {
  private readonly entries = new Map<string, AccessTokenClaims>();
  private chars = 0;

  constructor(
    private readonly keyRing: KeyRing,
    private readonly limits: { maxEntries: number; maxChars: number } = { maxEntries: MAX_ENTRIES, maxChars: MAX_CHARS },
  ) {}

  /** The claims of a genuine, unexpired access token; undefined otherwise (as openAccessToken). */
  open(token: unknown, nowMs: number): AccessTokenClaims | undefined {
    if (typeof token !== 'string') return undefined;
    const cached = this.entries.get(token);
    if (cached !== undefined) {
      if (cached.exp * 1000 > nowMs) return cached;
      this.forget(token);
      return undefined;
    }
    const claims = openAccessToken(this.keyRing, token, nowMs);
    if (claims === undefined || token.length > this.limits.maxChars) return claims;
    while (this.entries.size > 0 && (this.entries.size >= this.limits.maxEntries || this.chars + token.length > this.limits.maxChars)) {
      this.forget(this.entries.keys().next().value!);
    }
    const frozen = deepFreeze(claims);
    this.entries.set(token, frozen);
    this.chars += token.length;
    return frozen;
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(token: string): void {
    if (this.entries.delete(token)) this.chars -= token.length;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
