import { describe, expect, it } from 'vitest';
import { compileGlob, globMatch, literalGlob } from '../../../src/policy/matching/glob.js';

const matches = (pattern: string, subject: string, confined = false) => globMatch(compileGlob(pattern), subject, 0, subject.length, confined);

describe('globMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/at:all', true],
    ['a*', 'a', true],
    ['a*c', 'abbbc', true],
    ['a*c', 'abbbd', false],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*a*a*a*', 'aaa', true],
    ['*a*a*a*', 'aa', false],
    ['**b', 'aab', true],
    ['a*b*c', 'a-b-b-c', true],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
  ])('%s vs %s → %s', (pattern, subject, expected) => {
    expect(matches(pattern, subject)).toBe(expected);
  });

  it('matches a sub-range of the subject only', () => {
    expect(globMatch(compileGlob('b*'), 'xxbyyzz', 2, 5, false)).toBe(true);
    expect(globMatch(compileGlob('b*z'), 'xxbyyzz', 2, 5, false)).toBe(false);
    expect(globMatch(literalGlob('by'), 'xxbyyzz', 2, 4, false)).toBe(true);
  });

  it('confined wildcards do not cross ":"', () => {
    expect(matches('*:*', 'a:b', true)).toBe(true);
    expect(matches('*:*', 'a:b:c', true)).toBe(false);
    expect(matches('a?b', 'a:b', true)).toBe(false);
    expect(matches('a?b', 'a:b', false)).toBe(true);
  });

  it('a literal glob has no wildcards', () => {
    expect(globMatch(literalGlob('a*'), 'abc', 0, 3, false)).toBe(false);
    expect(globMatch(literalGlob('a*'), 'a*', 0, 2, false)).toBe(true);
  });
});

describe('globMatch against a regular-expression reference (seeded random cases)', () => {
  // Deterministic PRNG so a failure is reproducible.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  const reference = (pattern: string, confined: boolean) =>
    new RegExp(
      '^' +
        [...pattern]
          .map((c) => (c === '*' ? (confined ? '[^:]*' : '[\\s\\S]*') : c === '?' ? (confined ? '[^:]' : '[\\s\\S]') : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
          .join('') +
        '$',
    );

  it('agrees on long patterns too (segments past 32 characters take the multi-word scan)', () => {
    let hits = 0;
    let misses = 0;
    for (let i = 0; i < 2_000; i++) {
      const segment = () => pick('aab?', 20 + Math.floor(random() * 30));
      const pattern = `${random() < 0.5 ? '*' : ''}${segment()}*${segment()}${random() < 0.5 ? '*' : ''}${random() < 0.3 ? `:${segment()}` : ''}`;
      // Half the subjects are instances of the pattern (some with one character changed), so both answers occur.
      const instance = [...pattern].map((c) => (c === '*' ? pick('aab:', Math.floor(random() * 8)) : c === '?' ? pick('ab', 1) : c)).join('');
      const changed = random() < 0.5 ? instance : instance.replace(/a/, 'b');
      const subject = random() < 0.5 ? changed : pick('aab:', Math.floor(random() * 160));
      const confined = random() < 0.5;
      const expected = reference(pattern, confined).test(subject);
      if (expected) hits++;
      else misses++;
      expect(matches(pattern, subject, confined), `${pattern} vs ${subject} confined=${confined}`).toBe(expected);
    }
    expect(Math.min(hits, misses)).toBeGreaterThan(200);
  });

  it('characters beyond Latin-1 (from policy variables) are matched as themselves', () => {
    const glob = { text: 'x?ü€y*', mask: compileGlob('x?ü€y*').mask };
    expect(globMatch(glob, 'a-x€ü€y-b', 2, 9, false)).toBe(true);
    expect(globMatch(glob, 'x€üey', 0, 5, false)).toBe(false);
    expect(matches('*€?€*', 'zz€-€zz')).toBe(true);
    expect(matches('*€?€*', 'zz€--€zz')).toBe(false);
  });

  it('agrees on 20,000 random patterns and subjects, confined or not', () => {
    for (let i = 0; i < 20_000; i++) {
      const pattern = pick('ab:*?', 1 + Math.floor(random() * 7));
      const subject = pick('ab:', Math.floor(random() * 9));
      const confined = random() < 0.5;
      expect(matches(pattern, subject, confined), `${pattern} vs ${subject} confined=${confined}`).toBe(reference(pattern, confined).test(subject));
    }
  });
});
