/**
 * A provider's keys fetched over HTTP (explicit `jwksUri`, or the `jwks_uri` from discovery), held in
 * memory and refreshed in the background.
 *
 * Written around fetch + jose `createLocalJWKSet` rather than `createRemoteJWKSet`, because the broker
 * needs what that one does not give:
 * - cached keys keep serving while a refresh fails (jose drops to an error once its cache is stale);
 * - a request never waits for a routine refresh: only a cache miss (no keys yet, or an unknown `kid`)
 *   fetches on the request path, and that is rate-limited — after a success by `cooldownMs`, after a
 *   failure by an exponential back-off — and single-flight, so a burst of tokens naming unknown keys
 *   causes at most one fetch (jose's cooldown does not apply after failed fetches);
 * - one deadline bounds discovery and the key set together;
 * - counters for /metrics.
 */
import { createLocalJWKSet, errors } from 'jose';
import type { CryptoKey, FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import { discoverJwksUri } from './discovery.js';
import { fetchJwks } from './fetchJwks.js';
import { keySelectionError, keyUnavailable, unknownKeyId } from './keyErrors.js';
import type { KeySource, KeySourceStats, RemoteKeyOptions } from './keySource.js';
import type { OidcProviderSettings } from './providerSettings.js';

/** Failure back-off starts here and doubles, up to the refresh interval (and at most 5 minutes). */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export class RemoteKeySource implements KeySource {
  readonly #issuer: string;
  readonly #configuredUrl: URL | undefined;
  readonly #options: RemoteKeyOptions;
  readonly #closing = new AbortController();

  #keys: ReturnType<typeof createLocalJWKSet> | undefined;
  #keyCount = 0;
  /** The key-set URL: configured, or learnt by discovery (forgotten when the key set fails, to rediscover). */
  #jwksUrl: URL | undefined;
  #pending: Promise<void> | undefined;
  /** performance.now() before which a request may not start a fetch. */
  #nextRequestFetchAt = 0;
  #lastAttemptFailed = false;
  #consecutiveFailures = 0;
  #timer: NodeJS.Timeout | undefined;

  #fetches = 0;
  #failures = 0;
  #lastSuccessAt: number | undefined;
  #lastFailureAt: number | undefined;
  #lastError: string | undefined;

  constructor(settings: OidcProviderSettings, options: RemoteKeyOptions) {
    this.#issuer = settings.issuer;
    this.#configuredUrl = settings.jwksUri === undefined ? undefined : new URL(settings.jwksUri);
    this.#jwksUrl = this.#configuredUrl;
    this.#options = options;
  }

  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    if (this.#keys === undefined) {
      // Nothing cached yet (start-up while the provider was down): one bounded, shared attempt.
      if (!(await this.#refreshForRequest())) throw keyUnavailable();
    }
    try {
      return await this.#select(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey)) throw keySelectionError(e);
    }
    // Unknown kid: perhaps the provider rotated its keys. One refresh (rate-limited), then decide.
    if (!(await this.#refreshForRequest())) throw this.#lastAttemptFailed ? keyUnavailable() : unknownKeyId();
    try {
      return await this.#select(header, token);
    } catch (e) {
      throw keySelectionError(e);
    }
  };

  async warm(): Promise<void> {
    if (this.#keys !== undefined || this.#closing.signal.aborted) return;
    await this.#refresh().catch(() => undefined);
  }

  stats(): KeySourceStats {
    return {
      source: this.#configuredUrl === undefined ? 'discovery' : 'jwksUri',
      fetches: this.#fetches,
      failures: this.#failures,
      keys: this.#keyCount,
      ...(this.#lastSuccessAt === undefined ? {} : { lastSuccessAt: this.#lastSuccessAt }),
      ...(this.#lastFailureAt === undefined ? {} : { lastFailureAt: this.#lastFailureAt, lastError: this.#lastError ?? '' }),
    };
  }

  close(): void {
    this.#closing.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #select(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    if (this.#keys === undefined) throw keyUnavailable();
    return this.#keys(header, token);
  }

  /**
   * Joins the refresh in flight, or starts one when the rate limit allows. Resolves false when no
   * refresh may run now; a failed refresh is IDPCommunicationError.
   */
  async #refreshForRequest(): Promise<boolean> {
    if (this.#pending === undefined) {
      if (performance.now() < this.#nextRequestFetchAt || this.#closing.signal.aborted) return false;
    }
    try {
      await this.#refresh();
    } catch (e) {
      throw keyUnavailable(e);
    }
    return true;
  }

  /** Single flight: concurrent callers share one refresh. */
  #refresh(): Promise<void> {
    this.#pending ??= this.#fetchKeys().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetchKeys(): Promise<void> {
    // One deadline for discovery and JWKS together, from a timer this function holds: a signal from
    // AbortSignal.timeout() that only AbortSignal.any() refers to can be garbage-collected before it
    // fires, and the fetch then waits for undici's own 300 s (or forever on a trickling body).
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException('The provider did not answer in time', 'TimeoutError')), this.#options.fetchTimeoutMs);
    const onClose = () => deadline.abort(this.#closing.signal.reason);
    if (this.#closing.signal.aborted) onClose();
    else this.#closing.signal.addEventListener('abort', onClose, { once: true });
    const signal = deadline.signal;
    try {
      if (this.#jwksUrl === undefined) {
        this.#fetches += 1;
        this.#jwksUrl = await discoverJwksUri(this.#issuer, signal);
      }
      this.#fetches += 1;
      const jwks = await fetchJwks(this.#jwksUrl, signal);
      this.#keys = createLocalJWKSet(jwks);
      this.#keyCount = jwks.keys.length;
    } catch (e) {
      this.#jwksUrl = this.#configuredUrl;
      this.#onFailure(e);
      throw e;
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener('abort', onClose);
    }
    this.#onSuccess();
  }

  #onSuccess(): void {
    this.#lastAttemptFailed = false;
    this.#consecutiveFailures = 0;
    this.#lastSuccessAt = Date.now();
    this.#nextRequestFetchAt = performance.now() + this.#options.cooldownMs;
    this.#schedule(this.#options.refreshIntervalMs);
  }

  #onFailure(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : 'unknown error';
    this.#lastAttemptFailed = true;
    this.#consecutiveFailures += 1;
    this.#failures += 1;
    this.#lastFailureAt = Date.now();
    const cap = Math.min(this.#options.refreshIntervalMs, MAX_BACKOFF_MS);
    const backoff = Math.min(cap, FIRST_BACKOFF_MS * 2 ** Math.min(this.#consecutiveFailures - 1, 20));
    this.#nextRequestFetchAt = performance.now() + backoff;
    this.#schedule(backoff);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closing.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#refresh().catch(() => undefined);
    }, delayMs);
    this.#timer.unref();
  }
}
