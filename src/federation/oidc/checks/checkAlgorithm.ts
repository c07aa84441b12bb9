/**
 * Accepts only the asymmetric algorithms the provider allows. `none` (unsigned) and HS* (an HMAC
 * keyed with the provider's *public* key — algorithm confusion) are refused before any key lookup.
 */
import { InvalidIdentityToken, quoteInput } from '../../../errors.js';
import type { TrustedOidcProvider } from '../types.js';

export function checkAlgorithm(header: Readonly<Record<string, unknown>>, provider: TrustedOidcProvider): string {
  const alg = header.alg;
  if (typeof alg !== 'string' || alg.length === 0) throw new InvalidIdentityToken('The token header has no alg');
  if (alg.toLowerCase() === 'none') {
    throw new InvalidIdentityToken('The token is not signed (alg "none"); it must be signed with the identity provider\'s key');
  }
  if (/^HS\d+$/i.test(alg)) {
    throw new InvalidIdentityToken(
      `The token uses a symmetric algorithm (${quoteInput(alg, 10)}); it must be signed with the identity provider's private key`,
    );
  }
  if (!provider.algorithms.includes(alg)) {
    throw new InvalidIdentityToken(
      `The token's signature algorithm ${quoteInput(alg, 20)} is not accepted (allowed: ${provider.algorithms.join(', ')})`,
    );
  }
  return alg;
}
