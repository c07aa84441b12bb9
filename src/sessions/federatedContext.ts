/**
 * The condition keys a federated role session keeps for its whole life (usable in permission
 * policies): the provider's ARN and, for SAML, the subject keys; for OIDC, sub, aud and amr.
 * One definition for every way a federated person gets a session (browser sign-in, access portal,
 * command-line sign-in).
 */
import type { ContextValue } from '../policy/types.js';

export interface FederatedContextSource {
  readonly type: 'saml' | 'oidc';
  readonly provider: string;
  readonly providerArn: string;
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
}

export function federatedSessionContext(source: FederatedContextSource): Record<string, string | readonly string[]> {
  const keep = source.type === 'saml'
    ? ['saml:namequalifier', 'saml:sub', 'saml:sub_type', 'saml:iss', 'saml:doc']
    : [`${source.provider.toLowerCase()}:sub`, `${source.provider.toLowerCase()}:aud`, `${source.provider.toLowerCase()}:amr`];
  const out: Record<string, string | readonly string[]> = { 'aws:federatedprovider': source.providerArn };
  for (const k of keep) {
    const v = source.conditionKeys[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
