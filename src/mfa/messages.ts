/**
 * Caller-facing messages of the MFA core. The two STS AccessDenied messages are AWS's, recorded
 * verbatim (aws-reference.md §1.2, including the two spaces); the others are ours, in AWS's voice.
 * None of them ever quotes a code or a seed.
 */

/** Unknown serial, or a device not enabled for / not owned by the caller. */
export const UNKNOWN_DEVICE_MESSAGE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

/** Wrong code, a code outside the window, or a code already used. */
export const INVALID_CODE_MESSAGE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

/** Any code, even a correct one, while the device is locked after too many failures. */
export const LOCKED_DEVICE_MESSAGE =
  'MultiFactorAuthentication failed: too many invalid MFA one time pass codes, the MFA device is temporarily locked. Try again later.';

/** EnableMFADevice / ResyncMFADevice with codes that are not two consecutive current codes. */
export const INVALID_AUTHENTICATION_CODE_MESSAGE = 'Authentication code for device is not valid.';

export const DUPLICATE_DEVICE_MESSAGE = 'MFADevice entity at the same path and name already exists.';

export const DEVICE_IN_USE_MESSAGE = 'MFA Device is already in use.';

/** One enabled device per user (G3615, "MFA devices in use by an IAM user: 1", G16725). */
export const ONE_DEVICE_PER_OWNER_MESSAGE = 'Cannot exceed quota for MFADevicesPerUser: 1.';

export const DELETE_ENABLED_DEVICE_MESSAGE = 'MFA Device is in use. Deactivate it before deleting it.';

export const noSuchDeviceMessage = (serial: string): string => `MFA Device with serial number ${serial} does not exist.`;

export const notAssociatedMessage = (serial: string): string =>
  `MFA Device with serial number ${serial} is not enabled for this user.`;
