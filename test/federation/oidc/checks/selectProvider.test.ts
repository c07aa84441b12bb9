import { describe, expect, it } from 'vitest';
import { selectProvider } from '../../../../src/federation/oidc/checks/selectProvider.js';
import type { TrustedOidcProvider } from '../../../../src/federation/oidc/types.js';
import { AccessDenied, InvalidIdentityToken } from '../../../../src/errors.js';
import { ISSUER, trustedProvider } from '../fixtures.js';

const provider = trustedProvider();
const registry = new Map<string, TrustedOidcProvider>(provider.issuers.map((iss) => [iss, provider]));

describe('selectProvider', () => {
  it('finds the provider by iss, with or without a trailing slash', () => {
    expect(selectProvider({ iss: ISSUER }, registry)).toBe(provider);
    expect(selectProvider({ iss: `${ISSUER}/` }, registry)).toBe(provider);
  });

  it("answers AWS's message for an unknown issuer", () => {
    expect(() => selectProvider({ iss: 'https://evil.example.com' }, registry)).toThrow(
      new InvalidIdentityToken('No OpenIDConnect provider found in your account for https://evil.example.com'),
    );
  });

  it('matches the issuer exactly otherwise (no case folding, no prefix match)', () => {
    expect(() => selectProvider({ iss: 'https://IDP.example.com' }, registry)).toThrow(InvalidIdentityToken);
    expect(() => selectProvider({ iss: `${ISSUER}/tenant` }, registry)).toThrow(InvalidIdentityToken);
  });

  it('requires iss to be a non-empty string', () => {
    for (const iss of [undefined, '', 42, [ISSUER]]) {
      expect(() => selectProvider({ iss }, registry)).toThrow(/no iss/);
    }
  });

  it('keeps attacker-supplied issuers printable and short in the message', () => {
    const error = (() => {
      try {
        selectProvider({ iss: `https://x\n\u0000${'y'.repeat(500)}` }, registry);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a rejection');
    })();
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('\u0000');
    expect(error.message.length).toBeLessThan(300);
  });

  it('accepts a ProviderId naming the same provider (name, issuer or ARN)', () => {
    for (const providerId of ['idp.example.com', ISSUER, provider.arn]) {
      expect(selectProvider({ iss: ISSUER }, registry, providerId)).toBe(provider);
    }
  });

  it('refuses a ProviderId naming another provider with AccessDenied', () => {
    expect(() => selectProvider({ iss: ISSUER }, registry, 'accounts.google.com')).toThrow(AccessDenied);
  });
});
