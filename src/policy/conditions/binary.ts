/**
 * BinaryEquals (G17816): byte-for-byte comparison with the base-64 policy value. Context values are
 * strings, so a binary request value travels as base 64 as well; both sides are decoded and the
 * bytes compared (so two encodings of the same bytes match).
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The decoded bytes, or undefined when `text` is not padded standard base 64. */
export function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}
