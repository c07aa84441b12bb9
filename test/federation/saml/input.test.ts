import { describe, expect, it } from 'vitest';
import { IDPRejectedClaim, RequestEntityTooLarge } from '../../../src/errors.js';
import { checkNesting, checkNoDoctype, decodeResponse, MAX_XML_DEPTH } from '../../../src/federation/saml/checks/input.js';
import { billionLaughs, deeplyNested, externalEntity, toBase64 } from '../../helpers/samlIdp.js';
import { expectThrow } from './support.js';

describe('decodeResponse (checkSize + decode)', () => {
  it('decodes base64 of UTF-8 XML and returns the exact bytes', () => {
    const xml = '<a>é</a>';
    const { xml: decoded, bytes } = decodeResponse(toBase64(xml), 1000);
    expect(decoded).toBe(xml);
    expect(bytes.equals(Buffer.from(xml, 'utf8'))).toBe(true);
  });

  it('accepts base64 wrapped on several lines', () => {
    const b64 = toBase64('<a>some longer text to wrap</a>').replace(/(.{8})/g, '$1\r\n');
    expect(decodeResponse(b64, 1000).xml).toBe('<a>some longer text to wrap</a>');
  });

  it('refuses characters outside base64', () => {
    expectThrow(() => decodeResponse('PGE+PC9hPg==!!', 1000), IDPRejectedClaim, /base64/);
    expectThrow(() => decodeResponse('PGE-PC9hPg', 1000), IDPRejectedClaim, /base64/);
  });

  it('refuses an empty value', () => {
    expectThrow(() => decodeResponse('', 1000), IDPRejectedClaim, /empty/);
  });

  it('refuses bytes that are not UTF-8', () => {
    expectThrow(() => decodeResponse(Buffer.from([0x3c, 0x61, 0xff, 0x3e]).toString('base64'), 1000), IDPRejectedClaim, /UTF-8/);
  });

  it('refuses a decoded body over the limit with RequestEntityTooLarge', () => {
    expectThrow(() => decodeResponse(toBase64(`<a>${'x'.repeat(2000)}</a>`), 1000), RequestEntityTooLarge, /larger than 1000 bytes/);
  });

  it('refuses a huge base64 string before decoding it', () => {
    const huge = 'A'.repeat(10_000_000);
    const started = Date.now();
    expectThrow(() => decodeResponse(huge, 262_144), RequestEntityTooLarge);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('checkNoDoctype', () => {
  it('accepts XML without a DTD (an XML declaration is fine)', () => {
    expect(() => checkNoDoctype('<?xml version="1.0"?><a/>')).not.toThrow();
  });

  it('refuses a billion-laughs DTD', () => {
    expectThrow(() => checkNoDoctype(billionLaughs()), IDPRejectedClaim, /DOCTYPE/);
  });

  it('refuses an external entity', () => {
    expectThrow(() => checkNoDoctype(externalEntity()), IDPRejectedClaim, /DOCTYPE/);
  });

  it('refuses lower-case and spaced variants and bare ENTITY declarations', () => {
    expectThrow(() => checkNoDoctype('<!doctype a><a/>'), IDPRejectedClaim);
    expectThrow(() => checkNoDoctype('<a><! ENTITY x "y"></a>'), IDPRejectedClaim);
  });
});

describe('checkNesting', () => {
  it('accepts ordinary depth', () => {
    expect(() => checkNesting(deeplyNested(10))).not.toThrow();
  });

  it(`refuses nesting deeper than ${MAX_XML_DEPTH}`, () => {
    expectThrow(() => checkNesting(deeplyNested(MAX_XML_DEPTH)), IDPRejectedClaim, /deeper than/);
  });

  it('does not count self-closing tags, comments, CDATA or ">" inside attribute values', () => {
    const xml = `<r>${'<e a="/>x>"/>'.repeat(100)}<!-- <a><b><c> --><![CDATA[<a><b>]]></r>`;
    expect(() => checkNesting(xml, 2)).not.toThrow();
  });

  it('finishes quickly on a large hostile document', () => {
    const started = Date.now();
    expectThrow(() => checkNesting('<a>'.repeat(200_000)), IDPRejectedClaim);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
