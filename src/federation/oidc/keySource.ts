/**
 * Where a provider's verification keys come from: a static `jwksFile`, an explicit `jwksUri`, or the
 * `jwks_uri` learnt by OpenID discovery. Every source hands jose a key resolver that answers from
 * memory on the hot path; remote sources refresh in the background.
 */
import type { CryptoKey, FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import { FileKeySource } from './fileKeySource.js';
import type { OidcProviderSettings } from './providerSettings.js';
import { RemoteKeySource } from './remoteKeySource.js';

/**
 * Resolves the key for a token's header (jose `getKey` shape). Throws InvalidIdentityToken when the
 * token names a key the provider does not publish, IDPCommunicationError when no keys can be had.
 */
export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

export interface KeySourceStats {
  readonly source: 'jwksFile' | 'jwksUri' | 'discovery';
  /** HTTP requests made to the provider (discovery documents and key sets). */
  readonly fetches: number;
  /** Refreshes that failed (timeout, HTTP error, bad JSON, bad keys). */
  readonly failures: number;
  /** Keys currently held. */
  readonly keys: number;
  /** Epoch ms of the last successful refresh (or load), when there was one. */
  readonly lastSuccessAt?: number;
  /** Epoch ms of the last failed refresh, when there was one. */
  readonly lastFailureAt?: number;
  /** Why the last refresh failed (origin and reason only, never key material), for logs and /readyz. */
  readonly lastError?: string;
}

export interface KeySource {
  readonly getKey: KeyResolver;
  /** Loads keys ahead of the first token; never rejects (a provider that is down must not stop start-up). */
  warm(): Promise<void>;
  stats(): KeySourceStats;
  /** Stops background refreshes and aborts a fetch in flight. */
  close(): void;
}

export interface RemoteKeyOptions {
  /** Deadline for one refresh (discovery + key set), ms. */
  readonly fetchTimeoutMs: number;
  /** After a successful fetch, how long an unknown `kid` must wait before it may trigger another, ms. */
  readonly cooldownMs: number;
  /** Background refresh period while the provider answers, ms. */
  readonly refreshIntervalMs: number;
}

export const DEFAULT_REMOTE_KEY_OPTIONS: RemoteKeyOptions = Object.freeze({
  fetchTimeoutMs: 4_000,
  cooldownMs: 30_000,
  refreshIntervalMs: 10 * 60_000,
});

/** Builds the key source a provider's settings call for (jwksFile → jwksUri → discovery). */
export function createKeySource(settings: OidcProviderSettings, options: RemoteKeyOptions): KeySource {
  if (settings.jwksFile !== undefined) return new FileKeySource(settings.jwksFile);
  return new RemoteKeySource(settings, options);
}

/** Identifies where keys come from, so a config reload can keep a source (and its cache) that did not change. */
export function keySourceIdentity(settings: OidcProviderSettings): string {
  return JSON.stringify([settings.issuer, settings.jwksFile ?? null, settings.jwksUri ?? null]);
}
