import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSealingKey, KeyRing, KeyRingError, loadOrCreateKeyRing, rotateKeys, SIGNED_FORMAT } from '../../src/keys/keyRing.js';
import type { KeyRingErrorCode } from '../../src/keys/keyRing.js';

const dirs: string[] = [];

async function freshDir(): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'fedbroker-keys-'));
  dirs.push(base);
  return join(base, 'certs'); // not created yet: loadOrCreateKeyRing must create it
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

function keyRingError(run: () => unknown): KeyRingErrorCode {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyRingError);
    return (e as KeyRingError).code;
  }
  throw new Error('expected KeyRingError');
}

const posix = process.platform !== 'win32';

describe('loadOrCreateKeyRing: first start', () => {
  let dir: string;
  let ring: KeyRing;

  beforeAll(async () => {
    const base = await mkdtemp(join(tmpdir(), 'fedbroker-keys-first-'));
    dir = join(base, 'nested', 'certs');
    ring = await loadOrCreateKeyRing(dir, { spCommonName: 'broker.example.com, "quoted"' });
    return () => rm(base, { recursive: true, force: true });
  });

  it.runIf(posix)('creates the directory 0700 and private files 0600', async () => {
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'sealing'))).toBe(0o700);
    expect(await mode(join(dir, 'sealing', `${ring.activeKid}.json`))).toBe(0o600);
    expect(await mode(join(dir, 'saml-sp.key'))).toBe(0o600);
  });

  it('writes one master sealing key { kid, createdAt, key } named by its kid', async () => {
    const files = await readdir(join(dir, 'sealing'));
    expect(files).toEqual([`${ring.activeKid}.json`]);
    const file = JSON.parse(await readFile(join(dir, 'sealing', files[0]!), 'utf8')) as Record<string, unknown>;
    expect(file.kid).toBe(ring.activeKid);
    expect(ring.activeKid).toMatch(/^[A-Za-z0-9_-]{4,16}$/);
    expect(Number.isFinite(Date.parse(String(file.createdAt)))).toBe(true);
    expect(Buffer.from(String(file.key), 'base64')).toHaveLength(32);
    expect(ring.kids).toEqual([ring.activeKid]);
  });

  it('writes a PKCS#8 RSA-2048 SP key and a ~10 year self-signed SHA-256 certificate for it', async () => {
    const keyPem = await readFile(join(dir, 'saml-sp.key'), 'utf8');
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(ring.spSigningKeyPem).toBe(keyPem);
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ring.spSigningKey.asymmetricKeyType).toBe('rsa');

    const certPem = await readFile(join(dir, 'saml-sp.crt'), 'utf8');
    expect(ring.spCertificatePem).toBe(certPem);
    const cert = new X509Certificate(certPem);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.toLegacyObject().subject).toMatchObject({ CN: 'broker.example.com, "quoted"' });
    expect(cert.issuer).toBe(cert.subject);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(9.9);
    expect(years).toBeLessThan(10.1);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(Date.now());
    expect(cert.ca).toBe(false);
    expect(new x509.X509Certificate(certPem).signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
  });

  it('loads the same keys on the next start', async () => {
    const sealed = ring.seal('test', Buffer.from('hello'));
    const again = await loadOrCreateKeyRing(dir);
    expect(again.activeKid).toBe(ring.activeKid);
    expect(again.spCertificatePem).toBe(ring.spCertificatePem);
    expect(again.open('test', sealed).toString()).toBe('hello');
  });
});

describe('seal / open', () => {
  const ring = new KeyRing({ sealingKeys: [generateSealingKey()] });

  it('round-trips, with and without additional data', () => {
    expect(ring.open('p', ring.seal('p', Buffer.from('secret'))).toString()).toBe('secret');
    const aad = Buffer.from('user:alice');
    expect(ring.open('p', ring.seal('p', Buffer.from('x'), aad), aad).toString()).toBe('x');
    expect(ring.open('p', ring.seal('p', Buffer.alloc(0))).length).toBe(0);
  });

  it('uses the documented format: version 1 | kid length | kid | 12-byte IV | ciphertext | 16-byte tag', () => {
    const sealed = ring.seal('p', Buffer.from('abcdef'));
    const kid = Buffer.from(ring.activeKid, 'ascii');
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(kid.length);
    expect(sealed.subarray(2, 2 + kid.length)).toEqual(kid);
    expect(sealed.length).toBe(2 + kid.length + 12 + 6 + 16);
    expect(sealed.includes(Buffer.from('abcdef'))).toBe(false);
  });

  it('refuses tampering anywhere with auth-failed (or bad-format / unknown-key for the header)', () => {
    const sealed = ring.seal('p', Buffer.from('the plaintext'));
    const codes = new Set<KeyRingErrorCode>();
    for (let i = 0; i < sealed.length; i++) {
      const copy = Buffer.from(sealed);
      copy[i] = copy[i]! ^ 0x01;
      codes.add(keyRingError(() => ring.open('p', copy)));
    }
    expect(codes).toEqual(new Set(['bad-format', 'unknown-key', 'auth-failed']));
    expect(keyRingError(() => ring.open('p', sealed.subarray(0, sealed.length - 1)))).toBe('auth-failed');
    expect(keyRingError(() => ring.open('p', sealed.subarray(0, 10)))).toBe('bad-format');
    expect(keyRingError(() => ring.open('p', Buffer.alloc(0)))).toBe('bad-format');
  });

  it('binds the purpose and the additional data', () => {
    const sealed = ring.seal('session-token', Buffer.from('x'), Buffer.from('a'));
    expect(keyRingError(() => ring.open('mfa-seed', sealed, Buffer.from('a')))).toBe('auth-failed');
    expect(keyRingError(() => ring.open('session-token', sealed, Buffer.from('b')))).toBe('auth-failed');
    expect(keyRingError(() => ring.open('session-token', sealed))).toBe('auth-failed');
  });

  it('says unknown-key for data sealed by a key it does not hold', () => {
    const other = new KeyRing({ sealingKeys: [generateSealingKey()] });
    expect(keyRingError(() => ring.open('p', other.seal('p', Buffer.from('x'))))).toBe('unknown-key');
  });

  it('refuses malformed purposes', () => {
    expect(() => ring.seal('has space', Buffer.from('x'))).toThrow(TypeError);
  });
});

describe('hmac / verifyHmac', () => {
  const oldKey = generateSealingKey(Date.now() - 1000);
  const oldRing = new KeyRing({ sealingKeys: [oldKey] });
  const ring = new KeyRing({ sealingKeys: [oldKey, generateSealingKey()] });

  it('verifies its own MACs and MACs of older keys, nothing else', () => {
    const mac = ring.hmac('state', 'data');
    expect(mac).toHaveLength(32);
    expect(ring.verifyHmac('state', 'data', mac)).toBe(true);
    expect(ring.verifyHmac('state', 'data', oldRing.hmac('state', 'data'))).toBe(true);
    expect(ring.verifyHmac('state', 'datA', mac)).toBe(false);
    expect(ring.verifyHmac('cookie', 'data', mac)).toBe(false);
    expect(ring.verifyHmac('state', 'data', mac.subarray(0, 31))).toBe(false);
    expect(oldRing.verifyHmac('state', 'data', mac)).toBe(false);
  });

  it('uses a MAC key separate from the sealing key of the same purpose', () => {
    expect(ring.hmac('p', Buffer.from('x'))).not.toEqual(ring.hmac('q', Buffer.from('x')));
  });
});

describe('sign / verifySigned', () => {
  const oldKey = generateSealingKey(Date.now() - 1000);
  const oldRing = new KeyRing({ sealingKeys: [oldKey] });
  const ring = new KeyRing({ sealingKeys: [oldKey, generateSealingKey()] });
  const data = Buffer.from('the data, readable by anyone');

  it('uses the documented format: 0x02 | kid length | kid | data | 32-byte HMAC-SHA256, the data in the clear', () => {
    const signed = ring.sign('signin-token', data);
    const kid = Buffer.from(ring.activeKid, 'ascii');
    expect(signed[0]).toBe(SIGNED_FORMAT);
    expect(signed[1]).toBe(kid.length);
    expect(signed.subarray(2, 2 + kid.length)).toEqual(kid);
    expect(signed.subarray(2 + kid.length, signed.length - 32)).toEqual(data);
    expect(signed.length).toBe(2 + kid.length + data.length + 32);
    expect(ring.verifySigned('signin-token', signed)).toEqual(data);
  });

  it('verifies what older keys of the ring signed (rotation), with the key the header names', () => {
    expect(ring.verifySigned('signin-token', oldRing.sign('signin-token', data))).toEqual(data);
    // A ring without the newer key does not know it.
    expect(oldRing.verifySigned('signin-token', ring.sign('signin-token', data))).toBeUndefined();
  });

  it('refuses any byte changed, anything cut off or added, another purpose, sealed data', () => {
    const signed = ring.sign('signin-token', data);
    for (let i = 0; i < signed.length; i++) {
      const altered = Buffer.from(signed);
      altered[i] = altered[i]! ^ 0x01;
      expect(ring.verifySigned('signin-token', altered), `byte ${i}`).toBeUndefined();
    }
    expect(ring.verifySigned('signin-token', signed.subarray(0, signed.length - 1))).toBeUndefined();
    expect(ring.verifySigned('signin-token', Buffer.concat([signed, Buffer.from([0])]))).toBeUndefined();
    expect(ring.verifySigned('signin-token', signed.subarray(0, 1))).toBeUndefined();
    expect(ring.verifySigned('console-session', signed)).toBeUndefined();
    expect(ring.verifySigned('signin-token', ring.seal('signin-token', data))).toBeUndefined();
    // The same bytes with a zero-length kid, and the MAC of the data alone (without the header).
    expect(ring.verifySigned('signin-token', Buffer.concat([Buffer.from([SIGNED_FORMAT, 0]), data, ring.hmac('signin-token', data)]))).toBeUndefined();
  });

  it('openSignedOrSealed: signed data, or data sealed before its format became signed; nothing else', () => {
    expect(ring.openSignedOrSealed('signin-token', ring.sign('signin-token', data))).toEqual(data);
    expect(ring.openSignedOrSealed('signin-token', ring.seal('signin-token', data))).toEqual(data);
    expect(ring.openSignedOrSealed('console-session', ring.seal('signin-token', data))).toBeUndefined();
    expect(ring.openSignedOrSealed('console-session', ring.sign('signin-token', data))).toBeUndefined();
    expect(ring.openSignedOrSealed('signin-token', Buffer.from([7, 7, 7]))).toBeUndefined();
    expect(ring.openSignedOrSealed('signin-token', Buffer.alloc(0))).toBeUndefined();
  });

  it('uses the MAC key of the purpose, not its sealing key', () => {
    const signed = ring.sign('p', data);
    expect(signed.subarray(signed.length - 32)).toEqual(ring.hmac('p', signed.subarray(0, signed.length - 32)));
  });
});

describe('rotateKeys', () => {
  it('adds a newer active key; everything sealed before still opens; old key files stay', async () => {
    const dir = await freshDir();
    const before = await loadOrCreateKeyRing(dir);
    const sealed = before.seal('session-token', Buffer.from('old token'));
    const mac = before.hmac('cookie', 'v');

    const { kid } = await rotateKeys(dir);
    expect(kid).not.toBe(before.activeKid);
    if (posix) expect(await mode(join(dir, 'sealing', `${kid}.json`))).toBe(0o600);

    const after = await loadOrCreateKeyRing(dir);
    expect(after.activeKid).toBe(kid);
    expect(after.kids).toEqual([kid, before.activeKid]);
    expect(after.open('session-token', sealed).toString()).toBe('old token');
    expect(after.verifyHmac('cookie', 'v', mac)).toBe(true);
    expect(after.seal('x', Buffer.from('y')).subarray(2, 2 + kid.length).toString()).toBe(kid);
    expect(after.spCertificatePem).toBe(before.spCertificatePem);

    const second = await rotateKeys(dir);
    expect((await loadOrCreateKeyRing(dir)).kids).toEqual([second.kid, kid, before.activeKid]);
    expect(await readdir(join(dir, 'sealing'))).toHaveLength(3);
  });
});

describe.runIf(posix)('refusing key files others can read', () => {
  it('refuses a group/world-readable sealing key file', async () => {
    const dir = await freshDir();
    const ring = await loadOrCreateKeyRing(dir);
    const path = join(dir, 'sealing', `${ring.activeKid}.json`);
    await chmod(path, 0o644);
    const error = await loadOrCreateKeyRing(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyRingError);
    expect((error as KeyRingError).code).toBe('bad-key-file');
    expect((error as Error).message).toContain('too open');
    expect((error as Error).message).toContain(path);
    await chmod(path, 0o600);
    await expect(loadOrCreateKeyRing(dir)).resolves.toBeInstanceOf(KeyRing);
  });

  it('refuses a world-readable SAML SP private key', async () => {
    const dir = await freshDir();
    await loadOrCreateKeyRing(dir);
    await chmod(join(dir, 'saml-sp.key'), 0o604);
    await expect(loadOrCreateKeyRing(dir)).rejects.toThrow(/too open/);
  });

  it('never puts key material in the error message', async () => {
    const dir = await freshDir();
    const ring = await loadOrCreateKeyRing(dir);
    const path = join(dir, 'sealing', `${ring.activeKid}.json`);
    const key = (JSON.parse(await readFile(path, 'utf8')) as { key: string }).key;
    await chmod(path, 0o640);
    const error = (await loadOrCreateKeyRing(dir).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(key);
  });
});

describe('damaged key directories', () => {
  it('re-issues a lost certificate for the existing SP key', async () => {
    const dir = await freshDir();
    const first = await loadOrCreateKeyRing(dir);
    await rm(join(dir, 'saml-sp.crt'));
    const second = await loadOrCreateKeyRing(dir);
    expect(second.spSigningKeyPem).toBe(first.spSigningKeyPem);
    expect(second.spCertificatePem).not.toBe(first.spCertificatePem);
    const publicDer = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    expect(publicDer(second.spCertificatePem)).toEqual(createPublicKey(first.spSigningKeyPem).export({ type: 'spki', format: 'der' }));
    expect(publicDer(second.spCertificatePem)).toEqual(publicDer(first.spCertificatePem));
  });

  it('refuses a certificate whose private key is missing', async () => {
    const dir = await freshDir();
    await loadOrCreateKeyRing(dir);
    await rm(join(dir, 'saml-sp.key'));
    await expect(loadOrCreateKeyRing(dir)).rejects.toThrow(/saml-sp\.key' does not/);
  });

  it('refuses a malformed sealing key file with a clear message', async () => {
    const dir = await freshDir();
    const ring = await loadOrCreateKeyRing(dir);
    await writeFile(join(dir, 'sealing', `${ring.activeKid}.json`), '{"kid":"other","createdAt":"2026-01-01T00:00:00Z","key":"AAAA"}', { mode: 0o600 });
    await expect(loadOrCreateKeyRing(dir)).rejects.toThrow(/"kid" equal to its file name/);
  });
});

describe('concurrent first starts', () => {
  it('create one set of keys that every process loads', async () => {
    const dir = await freshDir();
    const rings = await Promise.all([loadOrCreateKeyRing(dir), loadOrCreateKeyRing(dir), loadOrCreateKeyRing(dir)]);
    expect(new Set(rings.map((r) => r.activeKid)).size).toBe(1);
    expect(new Set(rings.map((r) => r.spCertificatePem)).size).toBe(1);
    expect(await readdir(join(dir, 'sealing'))).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(['saml-sp.crt', 'saml-sp.key', 'sealing']);
  });
});
