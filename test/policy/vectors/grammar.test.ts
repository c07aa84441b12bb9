/** seed-digest §12.8: policy-grammar negative and edge vectors TV-N1 … TV-N5. */
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicySyntaxError } from '../../../src/policy/index.js';
import type { PolicyKind } from '../../../src/policy/index.js';
import { vectorLines, vectorText } from '../fixtures/seed-vectors.js';

/** Parses and returns the PolicySyntaxError it must throw. */
function rejection(document: string, kind: PolicyKind = 'identity', maxSize?: number): PolicySyntaxError {
  try {
    parsePolicy(document, maxSize === undefined ? { kind, name: 'vector' } : { kind, name: 'vector', maxSize });
  } catch (e) {
    expect(e).toBeInstanceOf(PolicySyntaxError);
    const error = e as PolicySyntaxError;
    expect(error.code).toBe('MalformedPolicyDocument');
    expect(error.httpStatus).toBe(400);
    expect(error.message.length).toBeGreaterThan(10);
    return error;
  }
  throw new Error('the document was accepted');
}

describe('TV-N1: two top-level policy objects', () => {
  it('is rejected as malformed ("one and only one JSON object", G15897)', () => {
    const error = rejection(vectorText('TV-N1').trim());
    expect(error.message).toMatch(/Syntax errors in policy/);
  });

  it('each object alone parses', () => {
    const text = vectorText('TV-N1').trim();
    const split = text.indexOf('}} {') + 2;
    expect(() => parsePolicy(text.slice(0, split), { kind: 'identity', name: 'first' })).not.toThrow();
    expect(() => parsePolicy(text.slice(split + 1), { kind: 'identity', name: 'second' })).not.toThrow();
  });
});

describe('TV-N2: two Statement keys in one object', () => {
  it('is rejected at load as a duplicate key, naming it', () => {
    const error = rejection(vectorText('TV-N2').trim());
    expect(error.message).toMatch(/Duplicate/i);
    expect(error.message).toMatch(/Statement/);
    expect(error.path).toBe('Statement');
  });
});

describe('TV-N3: two Effect keys in one statement', () => {
  it('is rejected at load (never the legacy last-wins Allow)', () => {
    const error = rejection(vectorText('TV-N3').trim());
    expect(error.message).toMatch(/Duplicate/i);
    expect(error.path).toBe('Statement[0].Effect');
  });
});

describe('TV-N4: two Resource keys in one statement', () => {
  it('is rejected at load (never the legacy merge)', () => {
    const error = rejection(vectorText('TV-N4').trim());
    expect(error.message).toMatch(/Duplicate/i);
    expect(error.path).toBe('Statement[0].Resource');
  });
});

describe('TV-N5: validator edge cases derived from the grammar', () => {
  const lines = vectorLines('TV-N5').map((line) => {
    const end = line.lastIndexOf('}') + 1;
    return { document: line.slice(0, end), note: line.slice(end).trim() };
  });
  const documentAt = (i: number): string => {
    const entry = lines[i];
    if (!entry) throw new Error(`TV-N5 has no line ${i}`);
    return entry.document;
  };

  it('has the seven documented lines', () => {
    expect(lines).toHaveLength(7);
  });

  it('no Resource/NotResource → rejected (G17496)', () => {
    const error = rejection(documentAt(0));
    expect(error.message).toMatch(/Policy statement must contain resources/);
    expect(error.path).toBe('Statement[0]');
  });

  it('no Action/NotAction → rejected (G17402)', () => {
    const error = rejection(documentAt(1));
    expect(error.message).toMatch(/Policy statement must contain actions/);
    expect(error.path).toBe('Statement[0]');
  });

  it('Effect not Allow/Deny → rejected (G17128)', () => {
    const error = rejection(documentAt(2));
    expect(error.message).toMatch(/Effect/);
    expect(error.path).toBe('Statement[0].Effect');
  });

  it('a Sid with a space → rejected: IAM Sids are alphanumeric (G18823)', () => {
    const error = rejection(documentAt(3));
    expect(error.message).toMatch(/alpha-?numeric|Sid|SID/);
    expect(error.path).toBe('Statement[0].Sid');
  });

  it('an unknown Version → rejected (G17035)', () => {
    const error = rejection(documentAt(4));
    expect(error.message).toMatch(/Version|version/);
    expect(error.path).toBe('Version');
  });

  it('Principal in an identity policy → rejected (G18773)', () => {
    const error = rejection(documentAt(5));
    expect(error.message).toMatch(/principal/i);
    for (const kind of ['identity', 'session', 'boundary'] as const) expect(() => parsePolicy(documentAt(5), { kind, name: kind })).toThrow(PolicySyntaxError);
    // The same statement is fine where a Principal belongs.
    expect(() => parsePolicy(documentAt(5), { kind: 'resource', name: 'resource' })).not.toThrow();
  });

  it('no Principal in a trust policy → rejected (G18773)', () => {
    expect(lines[6]?.note).toMatch(/^as a trust policy/);
    const error = rejection(documentAt(6), 'trust');
    expect(error.message).toMatch(/Missing required field Principal/);
    expect(error.path).toBe('Statement[0]');
  });

  it('a trust policy over 2,048 non-white-space characters → rejected (G16752); white space does not count', () => {
    const padding = 'x'.repeat(2048);
    const big = `{"Version": "2012-10-17", "Statement": [{"Sid": "${padding}", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`;
    expect(rejection(big, 'trust', 2048).message).toMatch(/2048|2,048/);
    const small = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}';
    const spaced = small.replace(/ /g, `\n${' '.repeat(400)}\t`);
    expect(spaced.length).toBeGreaterThan(2048);
    expect(() => parsePolicy(spaced, { kind: 'trust', name: 'spaced', maxSize: 2048 })).not.toThrow();
  });

  it('a document containing U+0100 or above → rejected (G16679), raw or escaped', () => {
    const raw = '{"Version": "2012-10-17", "Statement": [{"Sid": "Ā", "Effect": "Allow", "Action": "*", "Resource": "*"}]}';
    expect(rejection(raw).message.length).toBeGreaterThan(0);
    const escaped = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/\\u0100"}]}';
    rejection(escaped);
    const emoji = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/😀"}]}';
    rejection(emoji);
    // U+00FF is the last allowed character.
    const latin1 = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/ÿ"}]}';
    expect(() => parsePolicy(latin1, { kind: 'identity', name: 'latin1' })).not.toThrow();
  });
});
