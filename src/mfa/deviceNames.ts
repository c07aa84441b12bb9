/**
 * Device serial numbers. A virtual device's serial is its ARN, `arn:PARTITION:iam::ACCOUNT:mfa{path}{name}`
 * (G3978, G16530). A federated identity's device lives under the reserved path
 * `/federated/<provider>/` and is named by a hash of the identity (semantics.md "MFA (TOTP)").
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { mfaOwnerKey } from '../store/mfa-owner.js';

/** VirtualMFADeviceName: 1–226 of `[\w+=,.@-]` (IAM API). */
const DEVICE_NAME = /^[\w+=,.@-]{1,226}$/;
/**
 * Path: `/` or `/seg/…/`, each segment made of the name characters. Stricter than IAM's
 * `[\u0021-\u007E]`, so every serial matches the SerialNumber pattern `[\w+=/:,.@-]+`.
 */
const DEVICE_PATH = /^\/(?:[\w+=,.@-]+\/)*$/;
const MAX_PATH_LENGTH = 512;
/** SerialNumber is 9–256 characters on GetSessionToken/AssumeRole: a longer one could never be used. */
const MAX_SERIAL_LENGTH = 256;
/** Reserved for federated identities' devices; IAM-named devices cannot be created under it. */
export const FEDERATED_PATH_PREFIX = '/federated/';
/** Longest provider part of a federated serial, so the serial stays well under 256 characters. */
const MAX_PROVIDER_PART = 128;

function invalid(member: string, constraint: string): ValidationError {
  return new ValidationError(`1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`);
}

export function deviceSerial(partition: string, account: string, path: string, name: string): string {
  return `arn:${partition}:iam::${account}:mfa${path}${name}`;
}

/** Checks a CreateVirtualMFADevice name and path. Throws ValidationError. */
export function checkVirtualDeviceName(name: string, path: string): void {
  if (!DEVICE_NAME.test(name)) {
    throw invalid('virtualMFADeviceName', 'Member must have length between 1 and 226 and satisfy regular expression pattern: [\\w+=,.@-]+');
  }
  if (path.length > MAX_PATH_LENGTH || !DEVICE_PATH.test(path)) {
    throw invalid('path', "Member must be '/' or start and end with '/', with segments of [\\w+=,.@-]+, at most 512 characters");
  }
  if (path.startsWith(FEDERATED_PATH_PREFIX)) {
    throw new ValidationError(`The path prefix ${FEDERATED_PATH_PREFIX} is reserved for federated identities' devices.`);
  }
}

/** Throws ValidationError when a serial built from a valid name and path is still too long to use. */
export function checkSerialLength(serial: string): void {
  if (serial.length > MAX_SERIAL_LENGTH) {
    throw invalid('serialNumber', `Member must have length less than or equal to ${MAX_SERIAL_LENGTH} (path + name too long)`);
  }
}

/**
 * The provider as it appears in a federated serial: every character outside `[\w+=,.@-]` (`/`, `:`,
 * `%`, spaces…) becomes `_`, and the result is cut to 128 characters. Lossy on purpose (readable);
 * uniqueness comes from the hash, which covers the exact provider.
 */
export function arnSafeProvider(provider: string): string {
  return provider.replace(/[^\w+=,.@-]/g, '_').slice(0, MAX_PROVIDER_PART);
}

/**
 * 22 base64url characters (132 bits) of SHA-256 over the owner key `federated:<provider>|<subject>`:
 * stable, url- and ARN-safe, and reveals neither the subject nor its length.
 */
export function subjectHash(provider: string, subject: string): string {
  const key = mfaOwnerKey({ kind: 'federated', provider, subject })!;
  return createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 22);
}

/** Path and name of the one device of a federated identity. */
export function federatedDeviceName(provider: string, subject: string): { path: string; name: string } {
  if (provider === '' || subject === '') throw new ValidationError('A federated MFA device needs a provider and a subject.');
  return { path: `${FEDERATED_PATH_PREFIX}${arnSafeProvider(provider)}/`, name: subjectHash(provider, subject) };
}
