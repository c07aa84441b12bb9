/**
 * Who signed this request? SigV4 with long-term keys (IAM users from config) or with temporary
 * credentials (a session token sealed by this broker), ending as a Caller.
 *
 * Order: parse → (session token: open, bind to the signing access key, revocation) or (long-term key
 * lookup) → verify the signature with the secret. Per request: one AES-GCM open, a few SHA-256/HMAC;
 * no key parsing, the signing-key chain cached.
 *
 * A revoked session gets InvalidClientTokenId ("The security token included in the request is
 * invalid."), what AWS answers for credentials that no longer exist.
 */
import { InvalidClientTokenId, MissingAuthenticationToken } from '../../errors.js';
import { assumedRoleArn, federatedUserArn, userArn } from '../../credentials/arns.js';
import { isTemporaryAccessKeyId } from '../../credentials/ids.js';
import { openSessionToken, openSessionTokenAnyTime } from '../../credentials/sessionToken.js';
import { constantTimeEqual } from '../../keys/constantTime.js';
import type { SessionClaims } from '../../credentials/types.js';
import type { KeyRing } from '../../keys/keyRing.js';
import type { Caller } from '../identity.js';
import { parseSigV4, type ParseOptions } from './parse.js';
import type { SigV4Request, SigV4Service } from './parse.js';
import { verifySigV4 } from './verify.js';

const INVALID_TOKEN = 'The security token included in the request is invalid.';

export interface LongTermKey {
  readonly secretAccessKey: string;
  readonly userName: string;
  readonly userId: string;
  /** The IAM user's path (`/` when absent). */
  readonly userPath?: string;
}

export interface CallerResolverOptions {
  readonly keyRing: KeyRing;
  readonly account: string;
  readonly partition: string;
  /** The IAM user owning a long-term access key id (AKIA…), or undefined. */
  readonly longTermKeys: (accessKeyId: string) => LongTermKey | undefined;
  /** False when the session may not be used any more (revoked, or its role or user is gone). */
  readonly sessionValid: (claims: SessionClaims) => boolean;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  /** The broker's cache of opened session tokens (default: one of its own). */
  readonly openedTokens?: OpenedTokenCache;
}

interface OpenedToken {
  readonly token: string;
  readonly claims: SessionClaims;
  /** The Caller for these claims, per signing region (usually one). */
  readonly callers: Map<string, Caller>;
}

/**
 * Opened session tokens of one key ring, by token text: a client signs many requests with the same
 * credentials (and a portal turns the same credentials into many console sign-ins), and an identical
 * sealed token always opens to the same claims, so the AES-GCM open and the decoding are done once.
 * Expiry (here) and revocation (by the caller) are still checked on every request. Bounded; the
 * oldest entry is evicted first. One per broker, shared by SigV4, the federation endpoint and
 * POST /authorize.
 */
/**
 * Entries are keyed by a token's last characters (its GCM tag: random per token), not the whole token:
 * V8 would hash every character of each request's fresh token string; a hit still needs the whole
 * token equal. Two tokens with the same tail just take turns.
 */
const tokenKey = (token: string) => token.slice(-32);

export class OpenedTokenCache {
  private readonly entries = new Map<string, OpenedToken>();

  constructor(
    private readonly ring: KeyRing,
    private readonly maxEntries = 10_000,
  ) {}

  /** The claims of `token`, opening it on first sight; throws as openSessionToken. */
  open(token: string, now: number): SessionClaims {
    return this.entry(token, now).claims;
  }

  /** The claims of `token` whether or not they have expired; throws as openSessionTokenAnyTime. */
  openAnyTime(token: string): SessionClaims {
    const entry = this.entries.get(tokenKey(token));
    return entry !== undefined && entry.token === token ? entry.claims : openSessionTokenAnyTime(this.ring, token);
  }

  /** The Caller of `token` signing in `region` (built once per token and region). */
  caller(token: string, now: number, region: string): Caller {
    const entry = this.entry(token, now);
    let caller = entry.callers.get(region);
    if (caller === undefined) {
      caller = { ...sessionCaller(entry.claims), region };
      if (entry.callers.size < 8) entry.callers.set(region, caller);
    }
    return caller;
  }

  private entry(token: string, now: number): OpenedToken {
    const key = tokenKey(token);
    let entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) {
      entry = { token, claims: openSessionToken(this.ring, token, now), callers: new Map() };
      this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    } else if (now >= entry.claims.expiresAt * 1000) {
      this.entries.delete(key);
      // Fails with ExpiredToken, exactly as an uncached open would.
      openSessionToken(this.ring, token, now);
    }
    return entry;
  }
}

/** A Caller and the credential scope of the signature that proved it. */
export interface SignedCaller {
  readonly caller: Caller;
  readonly region: string;
  readonly service: SigV4Service;
  readonly form: 'header' | 'query';
}

export class CallerResolver {
  private readonly now: () => number;
  private readonly openedTokens: OpenedTokenCache;

  constructor(private readonly options: CallerResolverOptions) {
    this.now = options.now ?? Date.now;
    this.openedTokens = options.openedTokens ?? new OpenedTokenCache(options.keyRing);
  }

  /**
   * The Caller that signed `request`. Throws MissingAuthenticationToken (no signature),
   * IncompleteSignature, InvalidClientTokenId, ExpiredToken or SignatureDoesNotMatch.
   */
  authenticate(request: SigV4Request): Caller {
    return this.authenticateSigned(request).caller;
  }

  /** As `authenticate`, also telling how the request was signed (aws:RequestedRegion is the scope's region). */
  authenticateSigned(request: SigV4Request, parseOptions: ParseOptions = {}): SignedCaller {
    const now = this.now();
    const options = this.options;
    const parsed = parseSigV4(request, parseOptions);
    if (parsed === null) throw new MissingAuthenticationToken('Request is missing Authentication Token');

    if (parsed.securityToken !== undefined) {
      const claims = this.openedTokens.open(parsed.securityToken, now);
      if (!constantTimeEqual(claims.accessKeyId, parsed.accessKeyId)) throw new InvalidClientTokenId(INVALID_TOKEN);
      if (!options.sessionValid(claims)) throw new InvalidClientTokenId(INVALID_TOKEN);
      verifySigV4(parsed, claims.secretAccessKey, now);
      const caller = this.openedTokens.caller(parsed.securityToken, now, parsed.region);
      return { caller, region: parsed.region, service: parsed.service, form: parsed.form };
    }

    // Temporary access keys are only valid together with their session token.
    const key = isTemporaryAccessKeyId(parsed.accessKeyId) ? undefined : options.longTermKeys(parsed.accessKeyId);
    if (key === undefined) throw new InvalidClientTokenId(INVALID_TOKEN);
    verifySigV4(parsed, key.secretAccessKey, now);
    const caller: Caller = {
      kind: 'User',
      account: options.account,
      partition: options.partition,
      arn: userArn(options.partition, options.account, key.userPath ?? '/', key.userName),
      userId: key.userId,
      userName: key.userName,
      accessKeyId: parsed.accessKeyId,
      region: parsed.region,
    };
    return { caller, region: parsed.region, service: parsed.service, form: parsed.form };
  }
}

/** The Caller for temporary credentials, from their (already verified) claims. */
export function sessionCaller(claims: SessionClaims): Caller {
  const { account, partition, principal } = claims;
  const base = { account, partition, accessKeyId: claims.accessKeyId, session: claims };
  switch (principal.kind) {
    case 'AssumedRole':
      return {
        ...base,
        kind: 'AssumedRole',
        arn: assumedRoleArn(partition, account, principal.roleName, principal.sessionName),
        userId: `${principal.roleId}:${principal.sessionName}`,
      };
    case 'FederatedUser':
      return {
        ...base,
        kind: 'FederatedUser',
        arn: federatedUserArn(partition, account, principal.name),
        userId: `${account}:${principal.name}`,
      };
    case 'User':
      return {
        ...base,
        kind: 'User',
        arn: userArn(partition, account, principal.userPath ?? '/', principal.userName),
        userId: principal.userId,
        userName: principal.userName,
      };
  }
}
