/**
 * A software WebAuthn authenticator (ES256, attestation "none"), for the hostile cases a real browser
 * cannot produce: an answer made for another origin or rpId, a replayed answer, a signature counter
 * set back (a cloned key). It builds the same bytes an authenticator and a browser do — CBOR
 * attestation object, authenticator data, client data JSON — and signs with node:crypto.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const b64u = (b: Buffer) => b.toString('base64url');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();

/** A minimal CBOR encoder: unsigned/negative integers, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error('unsupported CBOR value');
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly cose: Buffer;
  signCount = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  /** navigator.credentials.create's answer (RegistrationResponseJSON) for these options. */
  register(options: { challenge: string; rp: { id?: string } }, at: { origin: string; rpId?: string }): Record<string, unknown> {
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: at.origin, crossOrigin: false }));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([this.authData(at.rpId ?? options.rp.id!, 0x45), Buffer.alloc(16), len, this.credentialId, this.cose]);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return { id: this.id, rawId: this.id, type: 'public-key', response: { clientDataJSON: b64u(clientData), attestationObject: b64u(attestationObject), transports: ['internal'] }, clientExtensionResults: {} };
  }

  /** navigator.credentials.get's answer (AuthenticationResponseJSON); the counter goes up first. */
  assert(options: { challenge: string; rpId?: string }, at: { origin: string; rpId?: string }): Record<string, unknown> {
    this.signCount++;
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: at.origin, crossOrigin: false }));
    const authData = this.authData(at.rpId ?? options.rpId!, 0x05);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    return { id: this.id, rawId: this.id, type: 'public-key', response: { clientDataJSON: b64u(clientData), authenticatorData: b64u(authData), signature: b64u(signature) }, clientExtensionResults: {} };
  }

  private authData(rpId: string, flags: number): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }
}
