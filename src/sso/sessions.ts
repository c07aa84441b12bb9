/**
 * CLI sessions: what one approval (device or authorization code) gave one client — the family of
 * refresh tokens, with the person it stands for. Stored, so the portal can list them and any
 * instance can refresh or end them.
 *
 * - Every refresh rotates the refresh token (generation + 1, compare-and-set in the store).
 * - A refresh token of an earlier generation is a stolen or replayed one (RFC 9700 §4.14.2): the whole
 *   session ends, so neither the thief nor the owner can go on with it.
 * - Ending a session (Logout, the portal's *end*, reuse) is also a revocation of its id, so its access
 *   tokens stop on every instance within a second without a store read per request.
 * - Nothing outlives the person's sign-in (`person.sessionEnd`).
 */
import type { KeyRing } from '../keys/keyRing.js';
import type { RevocationCache } from '../sessions/revocations.js';
import type { Store } from '../store/types.js';
import { GRANT_REFRESH_TOKEN, type Client } from './clients.js';
import { randomId } from './codes.js';
import { InvalidGrantException } from './errors.js';
import { personKey, type Person } from './person.js';
import { JsonRecords } from './records.js';
import { openRefreshToken, sealAccessToken, sealRefreshToken } from './tokens.js';

export type EndReason = 'logout' | 'ended' | 'reuse';

export interface CliSession {
  readonly v: 1;
  readonly id: string;
  readonly person: Person;
  readonly clientRef: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms: the person's sign-in ends then. */
  readonly expiresAt: number;
  readonly generation: number;
  readonly endedAt?: number;
  readonly endReason?: EndReason;
}

/** The sessions of one person (for the portal's list), pruned of expired ones on every write. */
interface PersonIndex {
  readonly expiresAt: number;
  readonly sessions: ReadonlyArray<{ readonly id: string; readonly expiresAt: number }>;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken?: string;
  readonly session: CliSession;
}

export interface ListedSession {
  readonly session: CliSession;
  /** Epoch ms of the last use seen (token issued or refreshed, portal API call), if known. */
  readonly lastUsedAt?: number;
}

/** Last use is written at most this often per session and instance (it is informational). */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOUCH_ENTRIES = 10_000;

export const revocationIdOf = (sessionId: string) => `sso:${sessionId}`;

export class CliSessions {
  private readonly sessions: JsonRecords<CliSession>;
  private readonly index: JsonRecords<PersonIndex>;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly keyRing: KeyRing,
    private readonly revocations: RevocationCache,
    private readonly accessTokenSeconds: () => number,
  ) {
    this.sessions = new JsonRecords(store, 'sso-session');
    this.index = new JsonRecords(store, 'sso-person-sessions');
  }

  /** A new session for an approval, with its first tokens. */
  async start(person: Person, client: Client, scopes: readonly string[], nowMs = Date.now()): Promise<IssuedTokens> {
    const session: CliSession = {
      v: 1,
      id: randomId(),
      person,
      clientRef: client.ref,
      clientName: client.name,
      scopes,
      createdAt: nowMs,
      expiresAt: person.sessionEnd * 1000,
      generation: 1,
    };
    if (session.expiresAt <= nowMs) throw new InvalidGrantException('The sign-in has ended; sign in again');
    await this.sessions.create(session.id, session);
    await this.addToIndex(person, session);
    await this.store.putItem('sso-session-used', session.id, String(nowMs), session.expiresAt);
    return this.tokens(session, client, nowMs);
  }

  /**
   * The refresh_token grant: rotate, or end the whole session when the token was already used.
   * `stillValid` re-checks the person (provider enabled, subject not revoked) before anything is issued.
   */
  async refresh(refreshToken: unknown, client: Client, stillValid: (person: Person) => boolean, nowMs = Date.now()): Promise<IssuedTokens> {
    const claims = openRefreshToken(this.keyRing, refreshToken);
    if (claims === undefined || claims.c !== client.ref) throw new InvalidGrantException('Invalid refresh token provided');
    let reused = false;
    const result = await this.sessions.update(claims.sid, (current) => {
      reused = false;
      if (current.endedAt !== undefined || current.expiresAt <= nowMs) return undefined;
      if (current.generation !== claims.g) {
        reused = true;
        return { ...current, endedAt: nowMs, endReason: 'reuse' };
      }
      if (!stillValid(current.person)) return { ...current, endedAt: nowMs, endReason: 'ended' };
      return { ...current, generation: current.generation + 1 };
    });
    if (result === undefined) throw new InvalidGrantException('Invalid refresh token provided');
    const { record, changed } = result;
    if (changed && record.endedAt !== undefined) await this.revocations.revoke('session', revocationIdOf(record.id), nowMs);
    if (reused) throw new InvalidGrantException('Refresh token has already been used; the session has ended');
    if (!changed || record.endedAt !== undefined) throw new InvalidGrantException('The session has ended; sign in again');
    this.touch(record.id, nowMs, true);
    return this.tokens(record, client, nowMs);
  }

  /** Ends a session (Logout, the portal's end button). True when this call ended it. */
  async end(id: string, reason: EndReason, nowMs = Date.now()): Promise<boolean> {
    const result = await this.sessions.update(id, (current) => (current.endedAt !== undefined ? undefined : { ...current, endedAt: nowMs, endReason: reason }));
    if (result === undefined) return false;
    // Revoked even when it had ended already: a retried end must leave the revocation in place.
    await this.revocations.revoke('session', revocationIdOf(id), nowMs);
    return result.changed;
  }

  async get(id: string): Promise<CliSession | undefined> {
    return this.sessions.get(id);
  }

  /** O(1), no store: has this session been ended (on any instance, within a second)? */
  isEnded(id: string): boolean {
    return this.revocations.isConsoleSessionRevoked(revocationIdOf(id));
  }

  /** The live sessions of a person, newest first. */
  async listFor(person: Pick<Person, 'provider' | 'subject'>, nowMs = Date.now()): Promise<ListedSession[]> {
    const index = await this.index.get(personKey(person));
    if (index === undefined) return [];
    const out: ListedSession[] = [];
    for (const { id } of index.sessions) {
      const session = await this.sessions.get(id);
      if (session === undefined || session.endedAt !== undefined || session.expiresAt <= nowMs || this.isEnded(id)) continue;
      const used = await this.store.getItem('sso-session-used', id);
      out.push({ session, ...(used !== null ? { lastUsedAt: Number(used) } : {}) });
    }
    return out.sort((a, b) => b.session.createdAt - a.session.createdAt);
  }

  /** Records a use (at most once a minute per session and instance; not awaited by callers). */
  touch(id: string, nowMs = Date.now(), force = false): void {
    const last = this.touched.get(id);
    if (!force && last !== undefined && nowMs - last < TOUCH_EVERY_MS) return;
    if (this.touched.size >= MAX_TOUCH_ENTRIES) this.touched.clear();
    this.touched.set(id, nowMs);
    void this.sessions
      .get(id)
      .then((s) => (s !== undefined ? this.store.putItem('sso-session-used', id, String(nowMs), s.expiresAt) : undefined))
      .catch(() => this.touched.delete(id));
  }

  private tokens(session: CliSession, client: Client, nowMs: number): IssuedTokens {
    const iat = Math.floor(nowMs / 1000);
    const exp = Math.min(iat + this.accessTokenSeconds(), Math.floor(session.expiresAt / 1000));
    const accessToken = sealAccessToken(this.keyRing, { v: 1, sid: session.id, cid: client.id, cn: client.name, p: session.person, sc: session.scopes, iat, exp });
    const refreshToken = client.grantTypes.includes(GRANT_REFRESH_TOKEN)
      ? sealRefreshToken(this.keyRing, { v: 1, sid: session.id, g: session.generation, c: client.ref })
      : undefined;
    return { accessToken, expiresIn: Math.max(0, exp - iat), ...(refreshToken !== undefined ? { refreshToken } : {}), session };
  }

  private async addToIndex(person: Person, session: CliSession): Promise<void> {
    const key = personKey(person);
    const entry = { id: session.id, expiresAt: session.expiresAt };
    const grow = (current: PersonIndex | undefined): PersonIndex => {
      const live = (current?.sessions ?? []).filter((s) => s.expiresAt > session.createdAt);
      const sessions = [...live, entry];
      return { sessions, expiresAt: Math.max(...sessions.map((s) => s.expiresAt)) };
    };
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await this.index.create(key, grow(undefined))) return;
      if ((await this.index.update(key, (current) => grow(current))) !== undefined) return;
    }
  }
}
