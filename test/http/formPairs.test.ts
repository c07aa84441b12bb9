import { describe, expect, it } from 'vitest';
import { formPairs } from '../../src/http/formPairs.js';

/** What the standard parser gives, as plain pairs. */
const standard = (text: string) => [...new URLSearchParams(text)];

describe('formPairs', () => {
  it.each([
    '',
    '?',
    '?a=1',
    '??a=1',
    'a',
    'a=',
    '=b',
    '=',
    '&&a=1&&',
    'a=1&a=2&b',
    'Action=login&SigninToken=AbC-_xyz&Destination=https%3A%2F%2Fconsole.example.com%2F',
    'a+b=c+d&e=%20%2B%25',
    'bad=%zz&trail=%&half=%4&ok=%41',
    'utf8=%C3%A9t%C3%A9&broken=%C3%28&lone=%ED%A0%80',
    'eq=a=b=c&plain=é€😀',
    'Session=%7B%22sessionId%22%3A%22ASIA%22%2C%22sessionToken%22%3A%22a%2Bb%2Fc%3D%3D%22%7D',
  ])('gives what URLSearchParams gives for %j', (text) => {
    expect(formPairs(text)).toEqual(standard(text));
  });

  it('agrees with URLSearchParams on random strings of the characters that matter', () => {
    const alphabet = ['a', 'B', '=', '&', '%', '+', '2', 'F', 'C3', 'A9', '?', ' ', 'é', '%2', '%%', '%C3', '%A9', '%ED%A0%80', '%C0%AF', '%F0%9F%98%80', '%FF', '%2B', '%26', '%3D', '\uD800', '😀'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 5000; n++) {
      let text = '';
      for (let i = next() % 24; i > 0; i--) text += alphabet[next() % alphabet.length];
      expect(formPairs(text), text).toEqual(standard(text));
    }
  });
});
