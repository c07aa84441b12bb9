import { describe, expect, it } from 'vitest';
import {
  oidcProviderName,
  validateIssuerUrl,
  validateJwksUrl,
  validateOidcProviderSettings,
  validateProviderName,
} from '../../../src/federation/oidc/providerSettings.js';
import { providerSettings } from './fixtures.js';

describe('oidcProviderName', () => {
  it('is the issuer without scheme and trailing slash, as AWS names providers', () => {
    expect(oidcProviderName('https://token.example.com/tenant1/')).toBe('token.example.com/tenant1');
    expect(oidcProviderName('https://accounts.example.com')).toBe('accounts.example.com');
    expect(oidcProviderName('http://127.0.0.1:8443')).toBe('127.0.0.1:8443');
  });

  it('keeps an explicit name', () => {
    expect(oidcProviderName('https://accounts.example.com', 'Corp')).toBe('Corp');
  });
});

describe('validateIssuerUrl', () => {
  it('accepts https anywhere and http on loopback', () => {
    for (const ok of ['https://idp.example.com', 'https://idp.example.com/tenant/', 'http://127.0.0.1:8443', 'http://127.1.2.3', 'http://[::1]:9000', 'http://localhost:3000']) {
      expect(() => validateIssuerUrl(ok), ok).not.toThrow();
    }
  });

  it('refuses http off loopback, other schemes, query, fragment and credentials', () => {
    expect(() => validateIssuerUrl('http://idp.example.com')).toThrow(/https/);
    expect(() => validateIssuerUrl('http://10.0.0.1')).toThrow(/loopback/);
    expect(() => validateIssuerUrl('ftp://idp.example.com')).toThrow(/https/);
    expect(() => validateIssuerUrl('https://idp.example.com/?tenant=1')).toThrow(/query/);
    expect(() => validateIssuerUrl('https://idp.example.com/#x')).toThrow(/fragment/);
    expect(() => validateIssuerUrl('https://user:pw@idp.example.com')).toThrow(/credentials/);
    expect(() => validateIssuerUrl('idp.example.com')).toThrow(/absolute URL/);
  });

  it('does not let a look-alike host pass as loopback', () => {
    expect(() => validateIssuerUrl('http://127.0.0.1.evil.example')).toThrow(/https/);
    expect(() => validateIssuerUrl('http://localhost.evil.example')).toThrow(/https/);
  });
});

describe('validateJwksUrl', () => {
  it('allows a query string (Azure AD B2C) but not a downgrade from an https issuer', () => {
    expect(validateJwksUrl('https://login.example.com/keys?p=policy', 'https://login.example.com').search).toBe('?p=policy');
    expect(() => validateJwksUrl('http://127.0.0.1:9000/jwks', 'https://idp.example.com')).toThrow(/https when the issuer does/);
    expect(() => validateJwksUrl('http://127.0.0.1:9000/jwks', 'http://127.0.0.1:9000')).not.toThrow();
  });
});

describe('validateProviderName', () => {
  it("refuses the broker's own condition-key prefixes and blanks", () => {
    expect(() => validateProviderName('aws')).toThrow(/reserved/);
    expect(() => validateProviderName('SAML')).toThrow(/reserved/);
    expect(() => validateProviderName('has space')).toThrow(/printable/);
    expect(() => validateProviderName('')).toThrow(/1 to 255/);
    expect(() => validateProviderName('accounts.example.com')).not.toThrow();
  });
});

describe('validateOidcProviderSettings', () => {
  it('accepts a complete provider', () => {
    expect(() => validateOidcProviderSettings(providerSettings())).not.toThrow();
  });

  it('names the field that is wrong', () => {
    expect(() => validateOidcProviderSettings(providerSettings({ clientIds: [] }))).toThrow(/^clientIds:/);
    expect(() => validateOidcProviderSettings(providerSettings({ issuer: 'http://idp.example.com' }))).toThrow(/^issuer:/);
    expect(() => validateOidcProviderSettings(providerSettings({ jwksFile: 'relative/keys.json' }))).toThrow(/^jwksFile: must be an absolute path/);
    expect(() => validateOidcProviderSettings(providerSettings({ jwksUri: 'https://idp.example.com/jwks', jwksFile: '/k.json' }))).toThrow(/either/);
    expect(() => validateOidcProviderSettings(providerSettings({ clockSkewSeconds: -1 }))).toThrow(/^clockSkewSeconds:/);
  });

  it('refuses symmetric and unsigned algorithms in allowedAlgorithms', () => {
    expect(() => validateOidcProviderSettings(providerSettings({ allowedAlgorithms: ['HS256'] }))).toThrow(/HS256 is not accepted/);
    expect(() => validateOidcProviderSettings(providerSettings({ allowedAlgorithms: ['none'] }))).toThrow(/none is not accepted/);
    expect(() => validateOidcProviderSettings(providerSettings({ allowedAlgorithms: ['ES256'] }))).not.toThrow();
  });
});
