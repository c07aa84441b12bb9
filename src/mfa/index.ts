export { MfaService, RESYNC_SEARCH_STEPS } from './mfaService.js';
export type { MfaDeviceView, MfaFailureReason, MfaServiceOptions, VirtualDeviceEnrolment } from './mfaService.js';
export type { MfaRequestContext } from './mfaAudit.js';
export { decryptSeed, encryptSeed, SEED_PURPOSE } from './seedCipher.js';
export type { Sealer } from './seedCipher.js';
export { arnSafeProvider, FEDERATED_PATH_PREFIX, federatedDeviceName, subjectHash } from './deviceNames.js';
export { base32, findConsecutiveSteps, findStep, newSeed, otpauthUri, stepAt, totpCode } from './totp.js';
export { MfaCodeRefused } from './codeRefused.js';
