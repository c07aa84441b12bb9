import { describe, expect, it } from 'vitest';
import { parseXml, textOnly } from '../../../src/federation/saml/xml.js';

describe('parseXml', () => {
  it('normalises line ends as XML 1.0 does: CR LF and CR become LF, U+0085/U+2028/U+2029 stay', () => {
    const el = parseXml('<a b="x\u2028y\r\nz">p\u2028q\u0085r\u2029s\r\nt\ru</a>').documentElement!;
    expect(textOnly(el)).toBe('p\u2028q\u0085r\u2029s\nt\nu');
    expect(el.getAttribute('b')).toBe('x\u2028y z');
  });
});
