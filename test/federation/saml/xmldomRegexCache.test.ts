import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installXmldomRegexCache } from '../../../src/federation/saml/xmldomRegexCache.js';
import { parseXml, XmlParseError } from '../../../src/federation/saml/xml.js';

const grammar = createRequire(import.meta.url)('@xmldom/xmldom/lib/grammar.js') as { reg: (...parts: unknown[]) => RegExp; QName_group: RegExp; S_OPT: RegExp };

describe('installXmldomRegexCache', () => {
  it('is installed by the SAML parser module, once', () => {
    const reg = grammar.reg;
    expect(installXmldomRegexCache()).toBe(true);
    expect(grammar.reg).toBe(reg);
  });

  it('returns the same stateless RegExp for the same arguments, as xmldom built it', () => {
    const a = grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$');
    expect(grammar.reg('^', grammar.QName_group, grammar.S_OPT, '$')).toBe(a);
    expect(a.source).toBe(`^${grammar.QName_group.source}${grammar.S_OPT.source}$`);
    expect(a.global || a.sticky).toBe(false);
    expect(grammar.reg('^', grammar.QName_group)).not.toBe(a);
  });

  it('leaves parsing strict: end tags are still checked', () => {
    expect(parseXml('<a:b xmlns:a="urn:x"><c/></a:b >').documentElement!.localName).toBe('b');
    for (const bad of ['<a></b>', '<a></a x>', '<a></a\ny>', '<a><b></a></b>']) expect(() => parseXml(bad)).toThrow(XmlParseError);
  });
});
