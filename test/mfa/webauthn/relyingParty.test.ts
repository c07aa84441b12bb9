import { describe, expect, it } from 'vitest';
import { relyingPartyOf } from '../../../src/mfa/webauthn/relyingParty.js';

const settings = { rpName: 'fedbroker', userVerification: 'preferred' as const };

describe('the relying party of passkeys', () => {
  it('is the host of server.publicUrl, and its origin the only one expected', () => {
    expect(relyingPartyOf('https://broker.example.com/base', settings)).toEqual({ id: 'broker.example.com', origin: 'https://broker.example.com', name: 'fedbroker', userVerification: 'preferred', available: true });
    expect(relyingPartyOf('http://localhost:8080', settings)).toMatchObject({ id: 'localhost', origin: 'http://localhost:8080', available: true });
  });

  it('an IP address cannot be a WebAuthn rpId: passkeys are not offered there', () => {
    expect(relyingPartyOf('http://127.0.0.1:8080', settings)).toMatchObject({ id: '127.0.0.1', available: false });
    expect(relyingPartyOf('http://[::1]:8080', settings)).toMatchObject({ id: '::1', available: false });
  });
});
