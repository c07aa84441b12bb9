/**
 * checkInResponseTo: binds an SP-initiated response to a request of ours, once. The binding must come
 * from signed content: SubjectConfirmationData@InResponseTo (inside the signed Assertion), or
 * Response@InResponseTo when the Response itself is signed. An InResponseTo that only appears on an
 * unsigned Response cannot bind anything and is refused. No InResponseTo = IdP-initiated, accepted
 * only when the provider allows it.
 */
import { IDPRejectedClaim } from '../../../errors.js';

export interface InResponseToInput {
  /** Response@InResponseTo (signed only when responseSigned). */
  readonly response?: string;
  /** SubjectConfirmationData@InResponseTo (signed). */
  readonly confirmation?: string;
  readonly responseSigned: boolean;
  readonly allowIdpInitiated: boolean;
  /** Resolves true when `id` was an outstanding request of ours, consuming it. */
  readonly consumeRequestId?: (id: string) => Promise<boolean>;
}

/** Returns the request id the response answers, or undefined for an IdP-initiated response. */
export async function checkInResponseTo(input: InResponseToInput): Promise<string | undefined> {
  const { response, confirmation } = input;
  if (response !== undefined && confirmation !== undefined && response !== confirmation) {
    throw new IDPRejectedClaim('SAML response rejected: InResponseTo differs between the Response and the SubjectConfirmationData');
  }
  if (response !== undefined && confirmation === undefined && !input.responseSigned) {
    throw new IDPRejectedClaim('SAML response rejected: InResponseTo is not covered by a signature');
  }
  const requestId = confirmation ?? response;
  if (requestId === undefined) {
    if (!input.allowIdpInitiated) throw new IDPRejectedClaim('SAML response rejected: IdP-initiated (unsolicited) responses are not allowed for this provider');
    return undefined;
  }
  const outstanding = input.consumeRequestId ? await input.consumeRequestId(requestId) : false;
  if (!outstanding) throw new IDPRejectedClaim('SAML response rejected: InResponseTo does not match an outstanding request (unknown, expired or already used)');
  return requestId;
}
