/**
 * The token must be meant for one of the provider's client ids: an `aud` value in the list
 * (security.md: "`aud` not in clientIds → InvalidIdentityToken"). An `azp` (authorized party) does not
 * stand in for `aud`: a token a client obtained for another service is not for us. Returns the value
 * AWS exposes as `<provider>:aud`: `azp` when the token has one, else the `aud` value that matched.
 */
import { InvalidIdentityToken } from '../../../errors.js';
import type { TrustedOidcProvider } from '../types.js';

export interface AudienceMatch {
  /** `<provider>:aud` and the response's Audience. */
  readonly audience: string;
  /** The original `aud` (`<provider>:oaud`). */
  readonly originalAudience: string | readonly string[];
  readonly authorizedParty?: string;
}

const incorrectAudience = (): InvalidIdentityToken => new InvalidIdentityToken('Incorrect token audience');

export function checkAudience(claims: Readonly<Record<string, unknown>>, provider: TrustedOidcProvider): AudienceMatch {
  const aud = claims.aud;
  let values: readonly string[];
  if (typeof aud === 'string') values = [aud];
  else if (Array.isArray(aud) && aud.length > 0 && aud.every((v) => typeof v === 'string')) values = aud as string[];
  else throw incorrectAudience();

  const azp = claims.azp;
  if (azp !== undefined && typeof azp !== 'string') throw incorrectAudience();

  const matched = values.find((v) => provider.clientIds.has(v));
  if (matched === undefined) throw incorrectAudience();

  return {
    audience: azp ?? matched,
    originalAudience: typeof aud === 'string' ? aud : Object.freeze([...values]),
    ...(azp === undefined ? {} : { authorizedParty: azp }),
  };
}
