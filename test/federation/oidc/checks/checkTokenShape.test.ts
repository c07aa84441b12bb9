import { describe, expect, it } from 'vitest';
import { checkTokenShape, MAX_TOKEN_LENGTH } from '../../../../src/federation/oidc/checks/checkTokenShape.js';
import { InvalidIdentityToken } from '../../../../src/errors.js';
import { unsignedToken } from '../../../helpers/oidcProvider.js';

const good = unsignedToken({ alg: 'RS256', kid: 'k1' }, { iss: 'https://idp.example.com', sub: 'alice' }, 'c2lnbmF0dXJl');

describe('checkTokenShape', () => {
  it('decodes header and payload of a well-formed compact JWS', () => {
    const decoded = checkTokenShape(good);
    expect(decoded.header).toEqual({ alg: 'RS256', kid: 'k1' });
    expect(decoded.payload).toEqual({ iss: 'https://idp.example.com', sub: 'alice' });
    expect(decoded.compact).toBe(good);
  });

  it('tolerates surrounding white space (token files end with a newline)', () => {
    expect(checkTokenShape(`${good}\n`).compact).toBe(good);
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['two segments', good.split('.').slice(0, 2).join('.')],
    ['four segments', `${good}.x`],
    ['five segments (JWE)', 'a.b.c.d.e'],
  ])('rejects %s', (_label, token) => {
    expect(() => checkTokenShape(token)).toThrow(InvalidIdentityToken);
  });

  it(`rejects tokens longer than ${MAX_TOKEN_LENGTH} characters`, () => {
    const long = unsignedToken({ alg: 'RS256' }, { pad: 'x'.repeat(MAX_TOKEN_LENGTH) }, 'sig');
    expect(() => checkTokenShape(long)).toThrow(/longer than 20000/);
  });

  it('rejects characters outside base64url and impossible lengths', () => {
    const [h, p] = good.split('.') as [string, string];
    expect(() => checkTokenShape(`${h}+/.${p}.sig`)).toThrow(/header is not valid base64url/);
    expect(() => checkTokenShape(`${h}.${p}=.sig`)).toThrow(/payload is not valid base64url/);
    expect(() => checkTokenShape(`${h}.${p}.si*g`)).toThrow(/signature is not valid base64url/);
    expect(() => checkTokenShape(`${h}.${'A'.repeat(5)}.sig`)).toThrow(/payload is not valid base64url/);
  });

  it('rejects segments that are not JSON objects', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    expect(() => checkTokenShape(`${b64('not json')}.${b64('{}')}.sig`)).toThrow(/header is not JSON/);
    expect(() => checkTokenShape(`${b64('{"alg":"RS256"}')}.${b64('[1,2]')}.sig`)).toThrow(/payload is not a JSON object/);
    expect(() => checkTokenShape(`${b64('null')}.${b64('{}')}.sig`)).toThrow(/header is not a JSON object/);
  });

  it('leaves an empty signature to the algorithm check', () => {
    expect(() => checkTokenShape(unsignedToken({ alg: 'none' }, { sub: 'x' }))).not.toThrow();
  });
});
