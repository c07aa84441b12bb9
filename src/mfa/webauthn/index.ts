export { PasskeyService, MAX_PASSKEYS_PER_OWNER, MAX_PASSKEY_NAME_LENGTH } from './passkeyService.js';
export type { CeremonyScope, PasskeyServiceOptions, PasskeyView } from './passkeyService.js';
export { PasskeyRefused, credentialLabel, type PasskeyFailureReason } from './refused.js';
export { relyingPartyOf, type RelyingParty, type UserVerification } from './relyingParty.js';
export { CHALLENGE_TTL_MS } from './challenges.js';
export { PASSKEY_SCRIPT, PASSKEY_SCRIPT_PATH, WEBAUTHN_BUNDLE_PATH, webauthnBrowserBundle } from './browserScript.js';
