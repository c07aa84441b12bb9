/**
 * checkDestination: a Response that names a Destination must name our ACS URL (node-saml does not
 * check it). Destination is optional for unsigned Responses (SAML bindings §3.5.5.2); it is only ever
 * used to refuse.
 */
import { IDPRejectedClaim } from '../../../errors.js';

export function checkDestination(destination: string | undefined, acsUrl: string): void {
  if (destination !== undefined && destination !== acsUrl) {
    throw new IDPRejectedClaim('SAML response rejected: the Response Destination is not this service provider\'s ACS URL');
  }
}
