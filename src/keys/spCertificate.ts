/**
 * The SAML service provider's signing key pair and self-signed certificate (RSA-2048, SHA-256,
 * ~10 years), generated once on first start. Imported lazily by the key ring: @peculiar/x509 and
 * an RSA key generation cost start-up time that only the very first start should pay.
 */
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type X509Crypto = Parameters<typeof x509.cryptoProvider.set>[0];
type KeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as X509Crypto);

const RSA_SHA256: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

const VALIDITY_YEARS = 10;

export interface SpKeyPair {
  /** PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** X.509 PEM. */
  readonly certificatePem: string;
}

/** Generate a fresh key pair and a self-signed certificate with subject CN=`commonName`. */
export async function generateSpKeyPair(commonName: string, now = new Date()): Promise<SpKeyPair> {
  const keys = await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify']);
  const certificatePem = await selfSignedCertificatePem(commonName, keys, now);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { privateKeyPem: toPem('PRIVATE KEY', pkcs8), certificatePem };
}

/** A new self-signed certificate for an existing PKCS#8 private key (when only the .crt was lost). */
export async function certificateForPrivateKey(commonName: string, privateKeyPem: string, now = new Date()): Promise<string> {
  const privateObject = createPrivateKey(privateKeyPem);
  const spki = createPublicKey(privateObject).export({ type: 'spki', format: 'der' });
  const pkcs8 = privateObject.export({ type: 'pkcs8', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_SHA256, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, RSA_SHA256, true, ['verify']);
  return selfSignedCertificatePem(commonName, { privateKey, publicKey }, now);
}

async function selfSignedCertificatePem(commonName: string, keys: KeyPair, now: Date): Promise<string> {
  const notBefore = new Date(now.getTime() - 5 * 60_000); // tolerate IdPs whose clocks run a little behind
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  // A positive 64-bit serial (top bit cleared so DER does not read it as negative).
  const serial = randomBytes(8);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    // Typed value: the CN is taken literally (a plain string would be parsed for quotes, escapes and '#hex').
    name: new x509.Name([{ CN: [{ utf8String: commonName }] }]),
    notBefore,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return certificate.toString('pem');
}

function toPem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
