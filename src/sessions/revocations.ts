/**
 * Revocations (semantics.md "Revocation"): per role ("sessions issued before now", AWS's
 * aws:TokenIssueTime pattern), per session (access key id) and per federated subject. The store holds
 * them; every instance polls it (default every 500 ms, so a revocation takes effect everywhere within
 * a second) and keeps an in-memory snapshot, so checking a session token is O(1) and needs no store —
 * when the store is down, the last snapshot keeps applying.
 */
import type { SessionClaims } from '../credentials/types.js';
import type { Logger } from '../log.js';
import type { NewRevocation, Revocation, Store } from '../store/types.js';

/** No credential lives longer than this (GetSessionToken/GetFederationToken maximum, 36 h). */
const LONGEST_CREDENTIAL_MS = 129_600_000;

export type RevocationScope = Revocation['scope'];

export function roleArnOfClaims(claims: SessionClaims): string | undefined {
  const p = claims.principal;
  return p.kind === 'AssumedRole' ? `arn:${claims.partition}:iam::${claims.account}:role${p.rolePath}${p.roleName}` : undefined;
}

export function subjectKey(provider: string, subject: string): string {
  return `${provider}|${subject}`;
}

export class RevocationCache {
  private readonly roles = new Map<string, number>();
  private readonly subjects = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private lastSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: { pollMs?: number; logger?: Logger } = {},
  ) {}

  /** Loads every active revocation, then keeps polling in the background. */
  async start(): Promise<void> {
    await this.poll();
    const every = this.options.pollMs ?? 500;
    this.timer = setInterval(() => void this.poll(), every);
    this.timer.unref();
  }

  /** O(1): is this session covered by a revocation? */
  isRevoked(claims: SessionClaims): boolean {
    const issuedAtMs = claims.issuedAt * 1000;
    const session = this.sessions.get(claims.accessKeyId);
    if (session !== undefined && issuedAtMs < session) return true;
    const role = roleArnOfClaims(claims);
    if (role !== undefined) {
      const before = this.roles.get(role);
      if (before !== undefined && issuedAtMs < before) return true;
    }
    if (claims.federated !== undefined) {
      const before = this.subjects.get(subjectKey(claims.federated.provider, claims.federated.subject));
      if (before !== undefined && issuedAtMs < before) return true;
    }
    return false;
  }

  /** O(1): is a federated subject revoked for what was issued (or signed in) at `issuedAtMs`? */
  isSubjectRevoked(provider: string, subject: string, issuedAtMs: number): boolean {
    const before = this.subjects.get(subjectKey(provider, subject));
    return before !== undefined && issuedAtMs < before;
  }

  /**
   * O(1): was the console session `id` signed out? (Its own random id, not an access key id: a console
   * session opened through the federation endpoint ends without ending the credentials it came from.)
   * Stored as a `session` revocation of that id; any such revocation is final — the id is used by one
   * session only, so no start time is compared (instances' clocks may differ).
   */
  isConsoleSessionRevoked(id: string): boolean {
    return this.sessions.has(id);
  }

  /**
   * Epoch ms before which sessions of this role are revoked, if any. For an upstream role a time in
   * the future: fedbroker issues nothing for it until then (`fedbroker revoke role`).
   */
  roleRevokedBefore(roleArn: string): number | undefined {
    return this.roles.get(roleArn);
  }

  /**
   * Records a revocation (durably) and applies it here at once. Sessions issued before `now` die —
   * or before `issuedBefore`, a later time, which refuses new ones until then too.
   */
  async revoke(scope: RevocationScope, target: string, now = Date.now(), issuedBefore = now + 1): Promise<Revocation> {
    const revocation: NewRevocation = { scope, target, issuedBefore, createdAt: now, expiresAt: Math.max(now + LONGEST_CREDENTIAL_MS, issuedBefore) };
    const saved = await this.store.addRevocation(revocation);
    this.apply(saved);
    return saved;
  }

  poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      try {
        const fresh = await this.store.listRevocations(this.lastSeq, Date.now());
        for (const r of fresh) this.apply(r);
      } catch (e) {
        this.options.logger?.warn({ err: e }, 'revocation poll failed; keeping the last known revocations');
      } finally {
        this.polling = undefined;
      }
    })();
    return this.polling;
  }

  private apply(r: Revocation): void {
    if (r.seq > this.lastSeq) this.lastSeq = r.seq;
    const map = r.scope === 'role' ? this.roles : r.scope === 'subject' ? this.subjects : this.sessions;
    map.set(r.target, Math.max(map.get(r.target) ?? 0, r.issuedBefore));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
