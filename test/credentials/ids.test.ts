import { describe, expect, it } from 'vitest';
import { isTemporaryAccessKeyId, newAccessKeyId, newRoleId, newSecretAccessKey, newUserId } from '../../src/credentials/ids.js';

function many<T>(make: () => T, n = 500): T[] {
  return Array.from({ length: n }, make);
}

describe('identifiers and secrets', () => {
  it('makes temporary access key ids ASIA + 16 chars of [A-Z2-7], all different', () => {
    const ids = many(newAccessKeyId);
    for (const id of ids) expect(id).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the whole base32 alphabet', () => {
    const seen = new Set(many(newAccessKeyId).flatMap((id) => [...id.slice(4)]));
    expect(seen.size).toBe(32);
  });

  it('makes 40-character secrets of the base64 alphabet, all different', () => {
    const secrets = many(newSecretAccessKey);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('makes role ids AROA + 17 and user ids AIDA + 17', () => {
    for (const id of many(newRoleId, 50)) expect(id).toMatch(/^AROA[A-Z2-7]{17}$/);
    for (const id of many(newUserId, 50)) expect(id).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('recognises temporary access key ids', () => {
    expect(isTemporaryAccessKeyId(newAccessKeyId())).toBe(true);
    expect(isTemporaryAccessKeyId('AKIAIOSFODNN7EXAMPLE')).toBe(false);
    expect(isTemporaryAccessKeyId('ASIA')).toBe(false);
  });
});
