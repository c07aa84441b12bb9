/**
 * SourceIdentity (G9445 ff.): 2–64 characters of `[\w+=,.@-]`, whether it comes from the
 * AssumeRole parameter, the SAML attribute or the web identity claim. The one definition of it.
 */
export const SOURCE_IDENTITY_MIN = 2;
export const SOURCE_IDENTITY_MAX = 64;
/** The allowed characters, as a pattern over the whole value, and as AWS prints it in messages. */
export const SOURCE_IDENTITY_CHARS = /^[\w+=,.@-]*$/;
export const SOURCE_IDENTITY_CHARS_TEXT = '[\\w+=,.@-]*';

export function isValidSourceIdentity(value: string): boolean {
  return value.length >= SOURCE_IDENTITY_MIN && value.length <= SOURCE_IDENTITY_MAX && SOURCE_IDENTITY_CHARS.test(value);
}
