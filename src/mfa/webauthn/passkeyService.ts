/**
 * Passkeys and security keys (WebAuthn) as a second factor (passkeys.md): registration and
 * authentication ceremonies by @simplewebauthn/server, credentials in the store (several per owner,
 * named), and the checks that make them phishing-resistant — the challenge is single use and bound
 * to the step that asked for it, the origin and rpId are this broker's, and a signature counter that
 * does not move forward is refused (a possibly cloned authenticator). Every outcome is audited.
 *
 * Owners are the same as for TOTP devices (mfa/federatedOwner.ts): callers resolve a stable owner
 * first; a transient identity owns nothing, so it never reaches this service.
 */
import { createHash } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuditSink } from '../../audit/auditLog.js';
import { AwsError, LimitExceeded, NoSuchEntity, ValidationError } from '../../errors.js';
import { mfaOwnerKey } from '../../store/mfa-owner.js';
import type { MfaOwner, Store, WebauthnCredential } from '../../store/types.js';
import type { MfaRequestContext } from '../mfaAudit.js';
import { issueChallenge, spendChallenge, type Ceremony } from './challenges.js';
import { writePasskeyEvent, type PasskeyEventName } from './passkeyAudit.js';
import { PasskeyRefused, type PasskeyFailureReason } from './refused.js';
import type { RelyingParty } from './relyingParty.js';

/** At most this many passkeys per person: enough for a laptop, a phone and spare keys. */
export const MAX_PASSKEYS_PER_OWNER = 10;
export const MAX_PASSKEY_NAME_LENGTH = 64;
const TIMEOUT_MS = 120_000;

export interface PasskeyServiceOptions {
  readonly store: Store;
  readonly audit: AuditSink;
  readonly account: string;
  readonly rp: RelyingParty;
  readonly now?: () => number;
}

/** A credential as pages and the CLI see it (no public key). */
export type PasskeyView = Omit<WebauthnCredential, 'publicKey'>;

/** What a ceremony is for: its owner and what the challenge is bound to (a sign-in step, a portal session). */
export interface CeremonyScope {
  readonly owner: MfaOwner;
  readonly binding: string;
}

export class PasskeyService {
  private readonly now: () => number;

  constructor(private readonly options: PasskeyServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get relyingParty(): RelyingParty {
    return this.options.rp;
  }

  async list(owner: MfaOwner): Promise<PasskeyView[]> {
    return (await this.options.store.listWebauthnCredentials({ ownerKey: ownerKeyOf(owner) })).map(view);
  }

  /** Every passkey, or those of one owner key (the CLI). */
  async listAll(ownerKey?: string): Promise<PasskeyView[]> {
    return (await this.options.store.listWebauthnCredentials(ownerKey !== undefined ? { ownerKey } : undefined)).map(view);
  }

  async get(id: string): Promise<PasskeyView | null> {
    const found = await this.options.store.getWebauthnCredential(id);
    return found === null ? null : view(found);
  }

  // ---- registration ----------------------------------------------------------------------------

  /** Options for navigator.credentials.create, with a fresh single-use challenge. */
  async registrationOptions(scope: CeremonyScope, user: { readonly name: string; readonly displayName: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.list(scope.owner);
    if (existing.length >= MAX_PASSKEYS_PER_OWNER) throw new LimitExceeded(`You have ${MAX_PASSKEYS_PER_OWNER} passkeys, the most one person may have. Remove one first.`);
    const challenge = await this.issue('register', scope);
    const { rp } = this.options;
    return generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.name.slice(0, 256),
      userDisplayName: user.displayName.slice(0, 256),
      // An opaque, stable user handle: the same person gets the same one on every authenticator.
      userID: createHash('sha256').update(ownerKeyOf(scope.owner)).digest(),
      challenge: Buffer.from(challenge, 'base64url'),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: rp.userVerification },
      timeout: TIMEOUT_MS,
    });
  }

  /** Verifies the authenticator's answer and stores the credential under `name`. */
  async register(scope: CeremonyScope, challenge: string, name: string, response: unknown, context: MfaRequestContext = {}): Promise<PasskeyView> {
    const label = checkName(name);
    const owner = scope.owner;
    const parsed = parseResponse<RegistrationResponseJSON>(response);
    if (!(await this.spend('register', scope, challenge))) return this.refuse('RegisterPasskey', owner, 'challenge', context, { name: label });
    if (parsed === undefined) return this.refuse('RegisterPasskey', owner, 'verification', context, { name: label });
    const { rp } = this.options;
    let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
    try {
      const result = await verifyRegistrationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: rp.userVerification === 'required',
      });
      info = result.verified ? result.registrationInfo : undefined;
    } catch {
      info = undefined;
    }
    if (info === undefined) return this.refuse('RegisterPasskey', owner, 'verification', context, { name: label });
    const credential: WebauthnCredential = {
      id: info.credential.id,
      owner,
      ownerKey: ownerKeyOf(owner),
      name: label,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: parsed.response.transports ?? [],
      createdAt: this.now(),
      lastUsedAt: null,
    };
    try {
      await this.options.store.createWebauthnCredential(credential);
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await this.audit('RegisterPasskey', owner, context, { id: credential.id, name: label }, { code: e.code, message: e.message, reason: 'duplicate' });
      throw e;
    }
    await this.audit('RegisterPasskey', owner, context, { id: credential.id, name: label }, undefined, { credentialDeviceType: info.credentialDeviceType, backedUp: info.credentialBackedUp, userVerified: info.userVerified });
    return view(credential);
  }

  // ---- authentication --------------------------------------------------------------------------

  /** Options for navigator.credentials.get over the owner's passkeys, with a fresh single-use challenge. */
  async authenticationOptions(scope: CeremonyScope): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const credentials = await this.list(scope.owner);
    const challenge = await this.issue('authenticate', scope);
    return generateAuthenticationOptions({
      rpID: this.options.rp.id,
      challenge: Buffer.from(challenge, 'base64url'),
      allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
      userVerification: this.options.rp.userVerification,
      timeout: TIMEOUT_MS,
    });
  }

  /**
   * Verifies an assertion by one of the owner's passkeys against the challenge of this step, and
   * records its counter (compare-and-set: of two uses racing, one wins). Resolves when MFA was done
   * (epoch seconds, for aws:MultiFactorAuthAge); throws PasskeyRefused, audited, otherwise.
   */
  async authenticate(scope: CeremonyScope, challenge: string, response: unknown, context: MfaRequestContext = {}): Promise<{ authenticatedAt: number; credential: PasskeyView }> {
    const owner = scope.owner;
    const parsed = parseResponse<AuthenticationResponseJSON>(response);
    // Spent first: a refused answer cannot be retried with the same challenge.
    if (!(await this.spend('authenticate', scope, challenge))) return this.refuse('PasskeyAuthentication', owner, 'challenge', context, { id: parsed?.id });
    if (parsed === undefined) return this.refuse('PasskeyAuthentication', owner, 'verification', context, {});
    const stored = await this.options.store.getWebauthnCredential(parsed.id);
    // Removed, never registered, or someone else's: the same refusal.
    if (stored === null || stored.ownerKey !== ownerKeyOf(owner)) return this.refuse('PasskeyAuthentication', owner, 'unknown-credential', context, { id: parsed.id });
    const { rp } = this.options;
    let newCounter: number;
    try {
      const result = await verifyAuthenticationResponse({
        response: parsed,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        // The library's own counter check is replaced by ours below (one place, a typed reason).
        credential: { id: stored.id, publicKey: Buffer.from(stored.publicKey, 'base64url'), counter: 0, transports: stored.transports as AuthenticatorTransportFuture[] },
        requireUserVerification: rp.userVerification === 'required',
      });
      if (!result.verified) throw new Error('not verified');
      newCounter = result.authenticationInfo.newCounter;
    } catch {
      return this.refuse('PasskeyAuthentication', owner, 'verification', context, { id: stored.id, name: stored.name });
    }
    // Authenticators that keep no counter send 0 every time; any other must go strictly up.
    if ((newCounter > 0 || stored.counter > 0) && newCounter <= stored.counter) {
      return this.refuse('PasskeyAuthentication', owner, 'counter', context, { id: stored.id, name: stored.name }, { storedCounter: stored.counter, presentedCounter: newCounter });
    }
    const now = this.now();
    if (!(await this.options.store.updateWebauthnCounter(stored.id, stored.counter, newCounter, now))) {
      return this.refuse('PasskeyAuthentication', owner, 'concurrent-use', context, { id: stored.id, name: stored.name });
    }
    await this.audit('PasskeyAuthentication', owner, context, { id: stored.id, name: stored.name });
    return { authenticatedAt: Math.floor(now / 1000), credential: view({ ...stored, counter: newCounter, lastUsedAt: now }) };
  }

  // ---- removal ---------------------------------------------------------------------------------

  /**
   * Removes a passkey. `owner`: only when it is theirs (the portal); undefined for an administrator
   * (the CLI). The caller has checked the fresh MFA the portal demands.
   */
  async remove(id: string, owner: MfaOwner | undefined, context: MfaRequestContext = {}): Promise<PasskeyView> {
    const stored = await this.options.store.getWebauthnCredential(id);
    if (stored === null || (owner !== undefined && stored.ownerKey !== ownerKeyOf(owner))) throw new NoSuchEntity('No such passkey.');
    if (!(await this.options.store.deleteWebauthnCredential(id))) throw new NoSuchEntity('No such passkey.');
    await this.audit('DeletePasskey', stored.owner, context, { id, name: stored.name });
    return view(stored);
  }

  /** Audits a refused removal (no fresh MFA) where the portal refuses it. */
  async auditRefusedRemoval(id: string, owner: MfaOwner, message: string, context: MfaRequestContext = {}): Promise<void> {
    await this.audit('DeletePasskey', owner, context, { id }, { code: 'AccessDenied', message, reason: 'no-fresh-mfa' });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private issue(ceremony: Ceremony, scope: CeremonyScope): Promise<string> {
    return issueChallenge(this.options.store, { ceremony, ownerKey: ownerKeyOf(scope.owner), binding: scope.binding }, this.now());
  }

  private spend(ceremony: Ceremony, scope: CeremonyScope, challenge: string): Promise<boolean> {
    return spendChallenge(this.options.store, challenge, { ceremony, ownerKey: ownerKeyOf(scope.owner), binding: scope.binding });
  }

  private async refuse(
    name: PasskeyEventName,
    owner: MfaOwner,
    reason: PasskeyFailureReason,
    context: MfaRequestContext,
    credential: { id?: string | undefined; name?: string | undefined },
    additionalEventData?: Record<string, unknown>,
  ): Promise<never> {
    const error = new PasskeyRefused(REFUSALS[reason], reason);
    await this.audit(name, owner, context, credential, { code: error.code, message: error.message, reason }, additionalEventData);
    throw error;
  }

  private audit(
    name: PasskeyEventName,
    owner: MfaOwner,
    context: MfaRequestContext,
    credential: { id?: string | undefined; name?: string | undefined },
    error?: { code: string; message: string; reason: string },
    additionalEventData?: Record<string, unknown>,
  ): Promise<void> {
    return writePasskeyEvent(this.options.audit, this.options.account, {
      name,
      owner,
      ...(credential.id !== undefined ? { credentialId: credential.id } : {}),
      ...(credential.name !== undefined ? { credentialName: credential.name } : {}),
      time: this.now(),
      context,
      ...(error !== undefined ? { error } : {}),
      ...(additionalEventData !== undefined ? { additionalEventData } : {}),
    });
  }
}

const REFUSALS: Readonly<Record<PasskeyFailureReason, string>> = {
  challenge: 'This passkey request expired or was already used. Try again.',
  verification: 'The passkey answer could not be verified for this site.',
  'unknown-credential': 'That passkey is not registered to you (it may have been removed).',
  counter: 'This passkey reported a signature counter that did not increase; it may have been copied, so it was refused. Use another passkey or your authenticator app, and tell your administrator.',
  'concurrent-use': 'This passkey was used twice at the same time; the second use was refused. Try again.',
};

function ownerKeyOf(owner: MfaOwner): string {
  return mfaOwnerKey(owner)!;
}

function view(c: WebauthnCredential): PasskeyView {
  const { publicKey: _key, ...rest } = c;
  return rest;
}

/** A passkey's name: 1–64 printable characters (trimmed); the default says when it was added. */
function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return 'Passkey';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a name may not hold
  if (trimmed.length > MAX_PASSKEY_NAME_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) {
    throw new ValidationError(`A passkey name has at most ${MAX_PASSKEY_NAME_LENGTH} characters and no control characters.`);
  }
  return trimmed;
}

/** The browser's JSON (a string posted by the form, or an object); undefined when it is not one. */
function parseResponse<T extends { id: string; rawId: string; type: string; response: object }>(input: unknown): T | undefined {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > 64 * 1024) return undefined;
    try {
      value = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['id'] !== 'string' || typeof v['rawId'] !== 'string' || v['type'] !== 'public-key' || typeof v['response'] !== 'object' || v['response'] === null) return undefined;
  if (v['id'].length === 0 || v['id'].length > 1024) return undefined;
  return value as T;
}
