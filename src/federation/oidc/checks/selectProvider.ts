/**
 * Finds the trusted provider the token claims to come from, by its (still unverified) `iss`, among
 * enabled providers only. The signature check that follows uses that provider's keys alone, so a
 * token cannot borrow another provider's trust. An optional ProviderId must name the same provider.
 */
import { AccessDenied, InvalidIdentityToken, quoteInput } from '../../../errors.js';
import type { OidcProviderRegistry, TrustedOidcProvider } from '../types.js';
import { withoutTrailingSlash } from '../providerSettings.js';


function namesProvider(providerId: string, provider: TrustedOidcProvider): boolean {
  const wanted = withoutTrailingSlash(providerId);
  return (
    wanted.toLowerCase() === provider.name.toLowerCase() ||
    provider.issuers.includes(providerId) ||
    providerId === provider.arn
  );
}

export function selectProvider(
  payload: Readonly<Record<string, unknown>>,
  providers: OidcProviderRegistry,
  providerId?: string,
): TrustedOidcProvider {
  const iss = payload.iss;
  if (typeof iss !== 'string' || iss.length === 0) throw new InvalidIdentityToken('The token has no iss (issuer) claim');
  const provider = providers.get(iss);
  if (provider === undefined) {
    throw new InvalidIdentityToken(`No OpenIDConnect provider found in your account for ${quoteInput(iss, 200)}`);
  }
  if (providerId !== undefined && providerId !== '' && !namesProvider(providerId, provider)) {
    throw new AccessDenied(`The web identity token was issued by ${provider.name}, not by the provider named in ProviderId`);
  }
  return provider;
}
