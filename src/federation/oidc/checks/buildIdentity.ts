/**
 * Turns a verified token into the broker's one identity shape, with the condition keys a trust
 * policy sees (lower-cased keys):
 * - AWS's: `<name>:aud` (azp when present, else the matched aud), `<name>:oaud` (the original aud),
 *   `<name>:sub`, `<name>:amr` (list), `<name>:azp` when present, `aws:federatedprovider`;
 * - beyond AWS: every other top-level claim whose value is a string or a list of strings, as
 *   `<name>:<claim>`, never replacing the keys above. Other value types are skipped.
 */
import type { ContextValue } from '../../../policy/types.js';
import type { TrustedOidcProvider, VerifiedWebIdentity } from '../types.js';
import type { AudienceMatch } from './checkAudience.js';

/** Claims whose keys are AWS's and computed above, never copied verbatim. */
const OWN_KEYS = new Set(['aud', 'oaud', 'sub', 'amr', 'azp']);

/**
 * A claim name usable in a key. Names with a colon are taken only in namespaced-URL form
 * (`https://example.com/roles`, as Auth0 requires): `8443:sub` from provider `host` would otherwise
 * read as `host:8443:sub`, the `sub` key of a provider named `host:8443`.
 */
const PRINTABLE_NAME = /^[\x21-\x7e]{1,256}$/;
const NAMESPACED_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

function usableClaimName(name: string): boolean {
  return PRINTABLE_NAME.test(name) && (!name.includes(':') || NAMESPACED_URL.test(name));
}

function contextValue(value: unknown): ContextValue | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  for (const v of value) if (typeof v !== 'string') return undefined;
  return Object.freeze((value as string[]).slice());
}

function amrValues(amr: unknown): readonly string[] {
  if (typeof amr === 'string') return [amr];
  if (Array.isArray(amr)) return amr.filter((v): v is string => typeof v === 'string');
  return [];
}

export function buildIdentity(
  claims: Readonly<Record<string, unknown>>,
  provider: TrustedOidcProvider,
  audience: AudienceMatch,
  subject: string,
): VerifiedWebIdentity {
  const prefix = `${provider.name.toLowerCase()}:`;
  // Every key starts with `<provider>:` or `aws:`, so no claim can name an Object.prototype member.
  const keys: Record<string, ContextValue> = {};
  const amr = amrValues(claims.amr);

  keys[`${prefix}aud`] = audience.audience;
  keys[`${prefix}oaud`] = audience.originalAudience;
  keys[`${prefix}sub`] = subject;
  if (claims.amr !== undefined) keys[`${prefix}amr`] = Object.freeze([...amr]);
  if (audience.authorizedParty !== undefined) keys[`${prefix}azp`] = audience.authorizedParty;
  keys['aws:federatedprovider'] = provider.arn;

  for (const claim in claims) {
    const name = claim.toLowerCase();
    if (OWN_KEYS.has(name) || !usableClaimName(claim)) continue;
    const key = prefix + name;
    if (Object.hasOwn(keys, key)) continue; // first spelling wins when claims differ only in case
    const v = contextValue(claims[claim]);
    if (v !== undefined) keys[key] = v;
  }

  const issuer = claims.iss as string; // selectProvider and jose have checked it
  // When the user authenticated: auth_time, else the token's issue time — a token proves nothing newer
  // than that (a replayed token must not look like a fresh MFA); neither → unknown (no MFA counts).
  const authTime = typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? claims.auth_time : claims.iat;
  return {
    identity: {
      type: 'oidc',
      provider: provider.name,
      providerArn: provider.arn,
      subject,
      issuer,
      mfaAtIdp: amr.some((v) => provider.mfaAmr.has(v)),
      ...(typeof authTime === 'number' && Number.isFinite(authTime) ? { authenticatedAt: authTime } : {}),
      conditionKeys: Object.freeze(keys),
    },
    audience: audience.audience,
    issuer,
    providerName: provider.name,
    claims,
  };
}
