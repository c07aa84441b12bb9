/**
 * What a user needs to add a new virtual device to an authenticator app: the seed for manual entry
 * (base32) and the same seed as a QR code (PNG of the otpauth:// URI). Shown once, never stored clear.
 */
import { toBuffer } from 'qrcode';
import { base32, newSeed, otpauthUri } from './totp.js';

export interface EnrolmentMaterial {
  /** The clear seed: seal it, then zero it (`seed.fill(0)`). */
  readonly seed: Buffer;
  readonly seedBase32: string;
  readonly otpauthUri: string;
  readonly qrCodePng: Buffer;
}

/** The Key URI Format forbids ':' inside the issuer and the account name; anything else is kept. */
export const otpauthLabelPart = (text: string): string => text.replace(/:/g, '_');

export async function newEnrolmentMaterial(issuer: string, accountName: string): Promise<EnrolmentMaterial> {
  const seed = newSeed();
  return { seed, ...(await enrolmentDisplay(base32(seed), issuer, accountName)) };
}

/** What an enrolment shows for a seed: the same key, URI and QR code every time for the same seed. */
export async function enrolmentDisplay(seedBase32: string, issuer: string, accountName: string): Promise<Omit<EnrolmentMaterial, 'seed'>> {
  const uri = otpauthUri({ issuer: otpauthLabelPart(issuer), label: otpauthLabelPart(accountName), seedBase32 });
  // Error correction M (qrcode's default), PNG: what CreateVirtualMFADevice's QRCodePNG carries.
  const qrCodePng = await toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M' });
  return { seedBase32, otpauthUri: uri, qrCodePng };
}
