/**
 * checkEncryptedAssertionStructure: one reading of an EncryptedAssertion. The broker decrypts the
 * xenc:EncryptedData child with its xenc parts; the SAML library decrypts again (to verify) with
 * xml-encryption, which takes the first element *named* EncryptedData, EncryptionMethod, KeyInfo,
 * EncryptedKey or CipherValue in any namespace — and, for the key, the first CipherValue of the whole
 * element. If both could pick different nodes, the broker's checks would read one plaintext while the
 * library verifies the signature of another. So exactly the shape both read the same way is accepted
 * (XML Encryption §3, SAML core §2.2.4), and any other element with one of those names — duplicated,
 * misplaced, or in another namespace — is refused:
 *
 *   EncryptedAssertion
 *     xenc:EncryptedData                      (first child; exactly one)
 *       xenc:EncryptionMethod                 (content algorithm)
 *       ds:KeyInfo?                           (≤ 1: ds:RetrievalMethod?, the inline xenc:EncryptedKey?, KeyName…)
 *       xenc:CipherData / xenc:CipherValue    (the content)
 *       xenc:EncryptionProperties?
 *     xenc:EncryptedKey?                      (the peer form; exactly one EncryptedKey in all)
 *       xenc:EncryptionMethod (ds:DigestMethod?, MGF?) · ds:KeyInfo? · xenc:CipherData / xenc:CipherValue · …
 *
 * In this order the key's CipherValue comes before the content's whenever the key is inline, as the
 * library expects.
 */
import type { Element } from '@xmldom/xmldom';
import { IDPRejectedClaim } from '../../../errors.js';
import { NS, allElements, childElements, is, textOnly } from '../xml.js';

/** Local names the library's decryption looks up by name alone. */
const WATCHED = new Set(['EncryptedData', 'EncryptedKey', 'EncryptionMethod', 'KeyInfo', 'RetrievalMethod', 'CipherData', 'CipherValue', 'DigestMethod']);

const reject = (why: string) => new IDPRejectedClaim(`SAML response rejected: ${why} in the EncryptedAssertion`);

export function checkEncryptedAssertionStructure(encryptedAssertion: Element): void {
  const placed = new Set<Element>();
  const children = childElements(encryptedAssertion);
  const data = children[0];
  if (data === undefined || !is(data, NS.xenc, 'EncryptedData')) throw reject('the first element is not an xenc:EncryptedData');
  const peerKeys = children.slice(1);
  if (peerKeys.some((c) => !is(c, NS.xenc, 'EncryptedKey'))) throw reject('an element other than xenc:EncryptedKey follows the EncryptedData');
  placed.add(data);

  // EncryptedData: EncryptionMethod, KeyInfo?, CipherData, EncryptionProperties? — in this order.
  const parts = childElements(data);
  let i = 0;
  const take = (ns: string, name: string): Element | undefined => (parts[i] !== undefined && is(parts[i]!, ns, name) ? parts[i++] : undefined);
  const dataMethod = take(NS.xenc, 'EncryptionMethod');
  const keyInfo = take(NS.ds, 'KeyInfo');
  const dataCipherData = take(NS.xenc, 'CipherData');
  take(NS.xenc, 'EncryptionProperties');
  if (dataMethod === undefined || dataCipherData === undefined || i !== parts.length) {
    throw reject('the EncryptedData is not EncryptionMethod, KeyInfo, CipherData, EncryptionProperties in this order');
  }
  placed.add(dataMethod).add(dataCipherData);
  placeCipherValue(dataCipherData, placed);

  const inlineKeys = keyInfo ? childElements(keyInfo, NS.xenc, 'EncryptedKey') : [];
  const keys = [...inlineKeys, ...peerKeys];
  if (keys.length !== 1) throw reject('there must be exactly one xenc:EncryptedKey');
  if (keyInfo) {
    placed.add(keyInfo);
    const retrieval = childElements(keyInfo, NS.ds, 'RetrievalMethod');
    if (retrieval.length > 1) throw reject('more than one RetrievalMethod');
    if (retrieval[0]) placed.add(retrieval[0]);
  }
  placeEncryptedKey(keys[0]!, placed);

  for (const el of allElements(encryptedAssertion)) {
    if (WATCHED.has(el.localName ?? '') && !placed.has(el)) throw reject(`unexpected <${el.localName}> element (duplicated, misplaced or in another namespace)`);
  }
}

/** EncryptedKey: EncryptionMethod (with at most one ds:DigestMethod), KeyInfo?, CipherData. */
function placeEncryptedKey(key: Element, placed: Set<Element>): void {
  placed.add(key);
  const method = childElements(key, NS.xenc, 'EncryptionMethod');
  const cipherData = childElements(key, NS.xenc, 'CipherData');
  const keyInfo = childElements(key, NS.ds, 'KeyInfo');
  if (method.length !== 1 || cipherData.length !== 1 || keyInfo.length > 1) throw reject('the EncryptedKey needs one EncryptionMethod, one CipherData and at most one KeyInfo');
  placed.add(method[0]!).add(cipherData[0]!);
  if (keyInfo[0]) placed.add(keyInfo[0]);
  const digest = childElements(method[0]!, NS.ds, 'DigestMethod');
  if (digest.length > 1) throw reject('more than one DigestMethod');
  if (digest[0]) placed.add(digest[0]);
  placeCipherValue(cipherData[0]!, placed);
}

/** CipherData holds exactly one xenc:CipherValue of text only (nothing that reads differently by library). */
function placeCipherValue(cipherData: Element, placed: Set<Element>): void {
  const children = childElements(cipherData);
  if (children.length !== 1 || !is(children[0]!, NS.xenc, 'CipherValue') || textOnly(children[0]!) === undefined) {
    throw reject('a CipherData must hold exactly one xenc:CipherValue of text');
  }
  placed.add(children[0]!);
}
