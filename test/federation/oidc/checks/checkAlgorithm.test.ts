import { describe, expect, it } from 'vitest';
import { checkAlgorithm } from '../../../../src/federation/oidc/checks/checkAlgorithm.js';
import { InvalidIdentityToken } from '../../../../src/errors.js';
import { trustedProvider } from '../fixtures.js';

const provider = trustedProvider();

describe('checkAlgorithm', () => {
  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])('accepts %s', (alg) => {
    expect(checkAlgorithm({ alg }, provider)).toBe(alg);
  });

  it.each(['none', 'None', 'NONE'])('refuses unsigned tokens (alg %s)', (alg) => {
    expect(() => checkAlgorithm({ alg }, provider)).toThrow(/not signed/);
  });

  it.each(['HS256', 'HS384', 'HS512', 'hs256'])('refuses symmetric %s (algorithm confusion)', (alg) => {
    expect(() => checkAlgorithm({ alg }, provider)).toThrow(/symmetric algorithm/);
  });

  it('refuses a missing or non-string alg', () => {
    expect(() => checkAlgorithm({}, provider)).toThrow(/no alg/);
    expect(() => checkAlgorithm({ alg: ['RS256'] }, provider)).toThrow(InvalidIdentityToken);
  });

  it("honours the provider's narrower allow-list", () => {
    const esOnly = trustedProvider({ algorithms: ['ES256'] });
    expect(checkAlgorithm({ alg: 'ES256' }, esOnly)).toBe('ES256');
    expect(() => checkAlgorithm({ alg: 'RS256' }, esOnly)).toThrow(/RS256 is not accepted \(allowed: ES256\)/);
  });

  it('refuses unknown algorithms', () => {
    expect(() => checkAlgorithm({ alg: 'RSA-OAEP' }, provider)).toThrow(/not accepted/);
  });
});
