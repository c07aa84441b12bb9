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

/**
 * Entries are keyed by the token's last characters (its GCM tag: random per token) rather than the
 * whole token, whose hash V8 would compute over every character of each request's fresh header string;
 * a hit still requires the whole token to be equal. Two tokens with the same tail just take turns.
 */
const KEY_CHARS = 32;
const keyOf = (token: string) => token.slice(-KEY_CHARS);

interface Entry {
  readonly token: string;
  readonly claims: AccessTokenClaims;
}

export class OpenedAccessTokens {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly keyRing: KeyRing,
    private readonly limits: { maxEntries: number; maxChars: number } = { maxEntries: MAX_ENTRIES, maxChars: MAX_CHARS },
  ) {}

  /** The claims of a genuine, unexpired access token; undefined otherwise (as openAccessToken). */
  open(token: unknown, nowMs: number): AccessTokenClaims | undefined {
    if (typeof token !== 'string') return undefined;
    const key = keyOf(token);
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.token === token) {
      if (cached.claims.exp * 1000 > nowMs) return cached.claims;
      this.forget(key);
      return undefined;
    }
    const claims = openAccessToken(this.keyRing, token, nowMs);
    if (claims === undefined || token.length > this.limits.maxChars) return claims;
    this.forget(key);
    while (this.entries.size > 0 && (this.entries.size >= this.limits.maxEntries || this.chars + token.length > this.limits.maxChars)) {
      this.forget(this.entries.keys().next().value!);
    }
    const frozen = deepFreeze(claims);
    this.entries.set(key, { token, claims: frozen });
    this.chars += token.length;
    return frozen;
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.chars -= entry.token.length;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
