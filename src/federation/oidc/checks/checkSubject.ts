/** `sub` identifies the user: required, a string of 1 to 255 characters (AWS's limit). */
import { InvalidIdentityToken } from '../../../errors.js';

export const MAX_SUBJECT_LENGTH = 255;

export function checkSubject(claims: Readonly<Record<string, unknown>>): string {
  const sub = claims.sub;
  if (sub === undefined) throw new InvalidIdentityToken('The token has no sub (subject) claim');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
    throw new InvalidIdentityToken(`The token's sub claim must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters`);
  }
  return sub;
}
