import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  arnSafeProvider,
  checkSerialLength,
  checkVirtualDeviceName,
  deviceSerial,
  federatedDeviceName,
  subjectHash,
} from '../../src/mfa/deviceNames.js';

describe('virtual device names and paths', () => {
  it('builds the serial as the device ARN', () => {
    expect(deviceSerial('aws', '123456789012', '/', 'alice')).toBe('arn:aws:iam::123456789012:mfa/alice');
    expect(deviceSerial('aws-cn', '123456789012', '/team/', 'bob')).toBe('arn:aws-cn:iam::123456789012:mfa/team/bob');
  });

  it('accepts IAM names and paths', () => {
    for (const [name, path] of [['a', '/'], ['Alice.Phone+1=x,y@z-w_', '/'], ['x'.repeat(226), '/division/team/']] as const) {
      expect(() => checkVirtualDeviceName(name, path)).not.toThrow();
    }
  });

  it('refuses bad names, bad paths and the reserved /federated/ path with ValidationError', () => {
    const bad: Array<[string, string]> = [
      ['', '/'],
      ['x'.repeat(227), '/'],
      ['has space', '/'],
      ['a/b', '/'],
      ['a:b', '/'],
      ['ok', ''],
      ['ok', 'team/'],
      ['ok', '/team'],
      ['ok', '/a//b/'],
      ['ok', `/${'p'.repeat(512)}/`],
      ['ok', '/federated/'],
      ['ok', '/federated/x/'],
    ];
    for (const [name, path] of bad) expect(() => checkVirtualDeviceName(name, path), `${name} ${path}`).toThrow(ValidationError);
  });

  it('refuses serials longer than 256 characters', () => {
    expect(() => checkSerialLength('a'.repeat(256))).not.toThrow();
    expect(() => checkSerialLength('a'.repeat(257))).toThrow(ValidationError);
  });
});

describe('federated device names', () => {
  it('puts the provider, made ARN-safe, in the path and a short hash of the identity in the name', () => {
    const { path, name } = federatedDeviceName('token.example.com/tenant1', 'auth0|123');
    expect(path).toBe('/federated/token.example.com_tenant1/');
    expect(name).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(name).toBe(subjectHash('token.example.com/tenant1', 'auth0|123'));
  });

  it('replaces every character outside [\\w+=,.@-] in the provider', () => {
    expect(arnSafeProvider('127.0.0.1:8443')).toBe('127.0.0.1_8443');
    expect(arnSafeProvider('a b/c%d:e|f')).toBe('a_b_c_d_e_f');
    expect(arnSafeProvider('x'.repeat(300))).toHaveLength(128);
  });

  it('is stable for one identity and differs between identities, even when the safe provider is the same', () => {
    expect(subjectHash('p', 's')).toBe(subjectHash('p', 's'));
    expect(subjectHash('p', 's')).not.toBe(subjectHash('p', 't'));
    expect(arnSafeProvider('a/b')).toBe(arnSafeProvider('a:b'));
    expect(subjectHash('a/b', 's')).not.toBe(subjectHash('a:b', 's'));
  });

  it('does not reveal the subject', () => {
    const { name } = federatedDeviceName('accounts.example.com', 'alice@example.com');
    expect(name).not.toContain('alice');
  });

  it('refuses an empty provider or subject', () => {
    expect(() => federatedDeviceName('', 's')).toThrow(ValidationError);
    expect(() => federatedDeviceName('p', '')).toThrow(ValidationError);
  });
});
