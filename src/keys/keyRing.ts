/**
 * The key ring: everything in `keys.dir`.
 *
 * - Master sealing keys (`sealing/<kid>.json`, 0600). The newest is active: `seal` and `hmac` use it;
 *   `open` and `verifyHmac` accept every key still on disk, so rotation never breaks a token, cookie
 *   or encrypted MFA seed made with an older key. Old keys are never deleted automatically: MFA seeds
 *   are sealed with them and stay sealed with them until re-enrolled. Remove a key file by hand only
 *   once nothing sealed with it can still be needed (tokens last at most 36 h; check MFA devices).
 * - The SAML SP signing key (`saml-sp.key`, PKCS#8 PEM, 0600) and its self-signed certificate
 *   (`saml-sp.crt`).
 *
 * Sealed format (version 1):
 *   0x01 | kid length (1 byte) | kid (ASCII) | IV (12 bytes) | AES-256-GCM ciphertext | tag (16 bytes)
 * The header (version, kid length, kid) and the caller's additional data are authenticated as AAD.
 * Signed format (`sign`/`verifySigned`: integrity without secrecy, for data that holds no secret):
 *   0x02 | kid length (1 byte) | kid (ASCII) | data | HMAC-SHA256 of all before it (32 bytes)
 * Each purpose gets its own AES and HMAC subkeys: HKDF-SHA256(master, salt, info = purpose for
 * sealing, "hmac " + purpose for MACs), derived once per (key, purpose) and kept as KeyObjects.
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withCreationLock } from './creationLock.js';
import { KeyRingError } from './keyRingError.js';
import { randomBytesPooled } from './randomPool.js';
import { generateSealingKey, isValidKid, readSealingKeys, sortNewestFirst, writeSealingKey } from './sealingKeyFiles.js';
import type { SealingKeyMaterial } from './sealingKeyFiles.js';
import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, ensurePrivateDir, fileExists, readPrivateFile, writeNewFile } from './secureFiles.js';

export { KeyRingError } from './keyRingError.js';
export type { KeyRingErrorCode } from './keyRingError.js';
export type { SealingKeyMaterial } from './sealingKeyFiles.js';
export { generateSealingKey } from './sealingKeyFiles.js';

export const SP_KEY_FILE = 'saml-sp.key';
export const SP_CERT_FILE = 'saml-sp.crt';
const DEFAULT_SP_COMMON_NAME = 'fedbroker SAML SP';

const FORMAT_VERSION = 1;
/** First byte of what `sign` produces (sealed data starts with FORMAT_VERSION). */
export const SIGNED_FORMAT = 2;
const MAC_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = Buffer.from('fedbroker key ring v1');
/** Purposes are code constants ('session-token', 'mfa-seed'…), so the subkey caches stay tiny. */
const PURPOSE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

interface RingKey {
  readonly kid: string;
  readonly createdAt: number;
  readonly master: KeyObject;
  /** version | kid length | kid: the prefix of everything this key seals. */
  readonly header: Buffer;
  /** The same for what it signs (SIGNED_FORMAT). */
  readonly signedHeader: Buffer;
  readonly sealKeys: Map<string, KeyObject>;
  readonly macKeys: Map<string, KeyObject>;
}

export interface KeyRingInit {
  /** At least one. The newest createdAt is active. */
  readonly sealingKeys: readonly SealingKeyMaterial[];
  readonly spSigningKeyPem?: string;
  readonly spCertificatePem?: string;
}

export class KeyRing {
  /** The kid that `seal` and `hmac` use. */
  readonly activeKid: string;
  /** Every kid this ring can open, newest first. */
  readonly kids: readonly string[];
  private readonly active: RingKey;
  private readonly byKid: ReadonlyMap<string, RingKey>;
  private readonly spKeyPem: string | undefined;
  private readonly spCertPem: string | undefined;
  private readonly spKeyObject: KeyObject | undefined;

  /** Prefer `loadOrCreateKeyRing`; this builds a ring from material already in memory (tests, tools). */
  constructor(init: KeyRingInit) {
    const sorted = sortNewestFirst([...init.sealingKeys]);
    const newest = sorted[0];
    if (newest === undefined) throw new KeyRingError('bad-key-file', 'A key ring needs at least one sealing key');
    const byKid = new Map<string, RingKey>();
    for (const material of sorted) {
      if (!isValidKid(material.kid)) throw new KeyRingError('bad-key-file', `Invalid sealing key id '${material.kid}'`);
      if (material.key.length !== 32) throw new KeyRingError('bad-key-file', `Sealing key '${material.kid}' must be 32 bytes`);
      if (byKid.has(material.kid)) throw new KeyRingError('bad-key-file', `Duplicate sealing key id '${material.kid}'`);
      const kidBytes = Buffer.from(material.kid, 'ascii');
      byKid.set(material.kid, {
        kid: material.kid,
        createdAt: material.createdAt,
        master: createSecretKey(Buffer.from(material.key)),
        header: Buffer.concat([Buffer.from([FORMAT_VERSION, kidBytes.length]), kidBytes]),
        signedHeader: Buffer.concat([Buffer.from([SIGNED_FORMAT, kidBytes.length]), kidBytes]),
        sealKeys: new Map(),
        macKeys: new Map(),
      });
    }
    this.byKid = byKid;
    this.active = byKid.get(newest.kid)!;
    this.activeKid = newest.kid;
    this.kids = sorted.map((k) => k.kid);
    this.spKeyPem = init.spSigningKeyPem;
    this.spCertPem = init.spCertificatePem;
    // Parsed once here, so signing never parses PEM per request.
    this.spKeyObject = init.spSigningKeyPem === undefined ? undefined : createPrivateKey(init.spSigningKeyPem);
  }

  /** PKCS#8 PEM of the SAML SP signing key. */
  get spSigningKeyPem(): string {
    if (this.spKeyPem === undefined) throw new KeyRingError('bad-key-file', 'This key ring holds no SAML SP signing key');
    return this.spKeyPem;
  }

  /** The same key, parsed once (use it for node:crypto signing). */
  get spSigningKey(): KeyObject {
    if (this.spKeyObject === undefined) throw new KeyRingError('bad-key-file', 'This key ring holds no SAML SP signing key');
    return this.spKeyObject;
  }

  /** PEM of the SAML SP certificate (published in the SP metadata). */
  get spCertificatePem(): string {
    if (this.spCertPem === undefined) throw new KeyRingError('bad-key-file', 'This key ring holds no SAML SP certificate');
    return this.spCertPem;
  }

  /** Encrypt and authenticate `plaintext` for `purpose` with the active key. */
  seal(purpose: string, plaintext: Buffer, aad?: Buffer): Buffer {
    const key = this.active;
    const iv = randomBytesPooled(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', subkey(key, 'seal', purpose), iv);
    cipher.setAAD(aad === undefined ? key.header : Buffer.concat([key.header, aad]));
    const first = cipher.update(plaintext);
    const last = cipher.final();
    return Buffer.concat([key.header, iv, first, last, cipher.getAuthTag()]);
  }

  /** Decrypt what `seal` produced with any key of the ring. Throws KeyRingError. */
  open(purpose: string, sealed: Buffer, aad?: Buffer): Buffer {
    if (sealed.length < 2 || sealed[0] !== FORMAT_VERSION) throw new KeyRingError('bad-format', 'Unrecognised sealed data');
    const kidLength = sealed[1]!;
    const headerLength = 2 + kidLength;
    if (kidLength === 0 || sealed.length < headerLength + IV_BYTES + TAG_BYTES) {
      throw new KeyRingError('bad-format', 'Sealed data is truncated');
    }
    const key = this.byKid.get(sealed.toString('latin1', 2, headerLength));
    if (key === undefined) throw new KeyRingError('unknown-key', 'Sealed with a key this key ring does not hold');
    const iv = sealed.subarray(headerLength, headerLength + IV_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', subkey(key, 'seal', purpose), iv);
    decipher.setAuthTag(tag);
    const header = sealed.subarray(0, headerLength);
    decipher.setAAD(aad === undefined ? header : Buffer.concat([header, aad]));
    try {
      const first = decipher.update(sealed.subarray(headerLength + IV_BYTES, sealed.length - TAG_BYTES));
      const last = decipher.final();
      return last.length === 0 ? first : Buffer.concat([first, last]);
    } catch (e) {
      throw new KeyRingError('auth-failed', 'Sealed data failed authentication', { cause: e });
    }
  }

  /**
   * `data` with the active key's id and an HMAC-SHA256 for `purpose` over both: anyone can read it,
   * nobody without the key can make or alter it. For data with nothing secret in it — about half
   * the cost of `seal` (no cipher context to create).
   */
  sign(purpose: string, data: Buffer): Buffer {
    const key = this.active;
    const head = key.signedHeader;
    const end = head.length + data.length;
    const out = Buffer.allocUnsafe(end + MAC_BYTES);
    head.copy(out, 0);
    data.copy(out, head.length);
    createHmac('sha256', subkey(key, 'hmac', purpose)).update(out.subarray(0, end)).digest().copy(out, end);
    return out;
  }

  /** The data of what `sign` produced for `purpose`, checked with the key it names; undefined if not genuine. */
  verifySigned(purpose: string, signed: Buffer): Buffer | undefined {
    if (signed.length < 2 || signed[0] !== SIGNED_FORMAT) return undefined;
    const headerLength = 2 + signed[1]!;
    if (signed[1] === 0 || signed.length < headerLength + MAC_BYTES) return undefined;
    const key = this.byKid.get(signed.toString('latin1', 2, headerLength));
    if (key === undefined) return undefined;
    const end = signed.length - MAC_BYTES;
    const expected = createHmac('sha256', subkey(key, 'hmac', purpose)).update(signed.subarray(0, end)).digest();
    return timingSafeEqual(expected, signed.subarray(end)) ? signed.subarray(headerLength, end) : undefined;
  }

  /**
   * The data of what `sign` produced — or, for data that was sealed before its format became signed,
   * what `seal` produced — for `purpose`; undefined when it is neither genuine signed nor sealed data.
   */
  openSignedOrSealed(purpose: string, bytes: Buffer): Buffer | undefined {
    if (bytes[0] === SIGNED_FORMAT) return this.verifySigned(purpose, bytes);
    try {
      return this.open(purpose, bytes);
    } catch {
      return undefined;
    }
  }

  /** HMAC-SHA256 of `data` for `purpose` with the active key (signed state, cookies). */
  hmac(purpose: string, data: Buffer | string): Buffer {
    return createHmac('sha256', subkey(this.active, 'hmac', purpose)).update(data).digest();
  }

  /** True when `mac` is `hmac(purpose, data)` under any key of the ring (constant-time per key). */
  verifyHmac(purpose: string, data: Buffer | string, mac: Buffer): boolean {
    if (mac.length !== 32) return false;
    let ok = false;
    for (const key of this.byKid.values()) {
      const expected = createHmac('sha256', subkey(key, 'hmac', purpose)).update(data).digest();
      // No early exit: the time taken does not tell which key matched.
      ok = timingSafeEqual(expected, mac) || ok;
    }
    return ok;
  }
}

function subkey(key: RingKey, use: 'seal' | 'hmac', purpose: string): KeyObject {
  const cache = use === 'seal' ? key.sealKeys : key.macKeys;
  const cached = cache.get(purpose);
  if (cached !== undefined) return cached;
  if (!PURPOSE_PATTERN.test(purpose)) throw new TypeError(`Invalid key ring purpose '${purpose}'`);
  const info = use === 'seal' ? purpose : `hmac ${purpose}`;
  const derived = createSecretKey(Buffer.from(hkdfSync('sha256', key.master, HKDF_SALT, info, 32)));
  cache.set(purpose, derived);
  return derived;
}

// ---- on disk ------------------------------------------------------------------------------------

export interface LoadKeyRingOptions {
  /** CN of the SAML SP certificate generated on first start. Default "fedbroker SAML SP". */
  readonly spCommonName?: string;
}

/**
 * Load the keys in `dir` (absolute path), creating `dir` (0700) and generating whatever is absent:
 * a master sealing key, the SAML SP key pair and certificate. Refuses private key files that group or
 * others can access (KeyRingError 'bad-key-file'), as ssh does.
 */
export async function loadOrCreateKeyRing(dir: string, options: LoadKeyRingOptions = {}): Promise<KeyRing> {
  await ensurePrivateDir(dir);
  if (!(await isComplete(dir))) {
    await withCreationLock(dir, async () => {
      // Re-check under the lock: another process may have created everything meanwhile.
      if ((await readSealingKeys(dir)).length === 0) await writeSealingKey(dir, generateSealingKey());
      await ensureSpKeyPair(dir, options.spCommonName ?? DEFAULT_SP_COMMON_NAME);
    });
  }
  const [sealingKeys, spSigningKeyPem, spCertificatePem] = await Promise.all([
    readSealingKeys(dir),
    readPrivateFile(join(dir, SP_KEY_FILE)).then((b) => b.toString('utf8')),
    readFile(join(dir, SP_CERT_FILE), 'utf8'),
  ]);
  try {
    return new KeyRing({ sealingKeys, spSigningKeyPem, spCertificatePem });
  } catch (e) {
    if (e instanceof KeyRingError) throw e;
    throw new KeyRingError('bad-key-file', `'${join(dir, SP_KEY_FILE)}' is not a valid PKCS#8 PEM private key`, { cause: e });
  }
}

/**
 * Add a new master sealing key to `dir`; it becomes the active key of rings loaded from now on
 * (running brokers pick it up when they reload their key ring). Older keys stay, so everything
 * sealed with them keeps opening; they are never deleted automatically (MFA seeds are sealed with them).
 */
export async function rotateKeys(dir: string): Promise<{ kid: string }> {
  await ensurePrivateDir(dir);
  return withCreationLock(dir, async () => {
    const existing = await readSealingKeys(dir);
    const newest = existing[0]?.createdAt ?? 0;
    // Strictly newer than the current active key even if clocks disagree, so the new key wins.
    const material = generateSealingKey(Math.max(Date.now(), newest + 1));
    await writeSealingKey(dir, material);
    return { kid: material.kid };
  });
}

async function isComplete(dir: string): Promise<boolean> {
  const [sealing, key, cert] = await Promise.all([
    readSealingKeys(dir).then((k) => k.length > 0),
    fileExists(join(dir, SP_KEY_FILE)),
    fileExists(join(dir, SP_CERT_FILE)),
  ]);
  return sealing && key && cert;
}

async function ensureSpKeyPair(dir: string, commonName: string): Promise<void> {
  const keyPath = join(dir, SP_KEY_FILE);
  const certPath = join(dir, SP_CERT_FILE);
  const [hasKey, hasCert] = await Promise.all([fileExists(keyPath), fileExists(certPath)]);
  if (hasKey && hasCert) return;
  const { certificateForPrivateKey, generateSpKeyPair } = await import('./spCertificate.js');
  if (hasKey) {
    // The certificate was lost: re-issue it for the same key (IdPs that pinned the key keep working).
    const keyPem = (await readPrivateFile(keyPath)).toString('utf8');
    await writeNewFile(certPath, await certificateForPrivateKey(commonName, keyPem), PUBLIC_FILE_MODE);
    return;
  }
  if (hasCert) {
    throw new KeyRingError(
      'bad-key-file',
      `'${certPath}' exists but '${keyPath}' does not: restore the key, or remove the certificate to generate a new pair (IdPs must then be given the new certificate)`,
    );
  }
  const pair = await generateSpKeyPair(commonName);
  await writeNewFile(keyPath, pair.privateKeyPem, PRIVATE_FILE_MODE);
  await writeNewFile(certPath, pair.certificatePem, PUBLIC_FILE_MODE);
}
