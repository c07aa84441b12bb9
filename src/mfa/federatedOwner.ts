/**
 * Who owns the MFA device of a federated identity — the one answer for the browser sign-in (TOTP
 * prompt, first-sign-in enrolment), AssumeRoleWithSAML / AssumeRoleWithWebIdentity with
 * SerialNumber + TokenCode, and sessions that later step up (AssumeRole from a federated session).
 *
 * A device must be tied to something that names the same person at every sign-in, or anyone holding
 * only the IdP password could enrol a fresh device at each one (security.md "Found by review"):
 * - by default the subject: the OIDC `sub` (stable by the OIDC specification), or the SAML NameID —
 *   unless its Format is transient (a new value per sign-in), which owns nothing;
 * - a provider may name what identifies a person instead (`mfaSubject`): a SAML condition key such as
 *   `saml:attr/employeeId`, or an OIDC claim name; it must then be present with exactly one value;
 * - `subjectCase: insensitive` for IdPs that pass the typed user name through (`Alice` / `alice`): the
 *   identifier is compared lower-cased.
 */
import type { BrokerModel } from '../config/model.js';
import type { FederatedIdentity } from '../credentials/types.js';
import type { ContextValue } from '../policy/types.js';
import type { MfaOwner } from '../store/types.js';

export type FederatedMfaOwner = Extract<MfaOwner, { kind: 'federated' }>;

/** How a provider identifies a person for MFA (per provider in the configuration). */
export interface MfaSubjectRule {
  /** SAML: a `saml:` condition key (`saml:attr/employeeId`); OIDC: a claim name. Default: the subject. */
  readonly mfaSubject?: string;
  readonly subjectCase: 'sensitive' | 'insensitive';
}

export const DEFAULT_MFA_SUBJECT_RULE: MfaSubjectRule = { subjectCase: 'sensitive' };

/** The parts of a federated identity the owner is derived from (an asserted identity or a sign-in state). */
export interface FederatedSubject {
  readonly type: 'saml' | 'oidc';
  readonly provider: string;
  /** NameID / sub as asserted. */
  readonly subject: string;
  readonly conditionKeys: Readonly<Record<string, ContextValue>>;
}

/** The owner, or why this identity cannot own a device (to be shown to the person). */
export type MfaOwnership = { readonly owner: FederatedMfaOwner } | { readonly unstable: string };

export function federatedMfaOwner(identity: FederatedSubject, rule: MfaSubjectRule): MfaOwnership {
  let id: string;
  if (rule.mfaSubject !== undefined) {
    const key = identity.type === 'saml' ? rule.mfaSubject.toLowerCase() : `${identity.provider.toLowerCase()}:${rule.mfaSubject.toLowerCase()}`;
    const value = single(identity.conditionKeys[key]);
    if (value === undefined) {
      const what = identity.type === 'saml' ? `the attribute ${rule.mfaSubject.replace(/^saml:attr\//i, '')}` : `the claim ${rule.mfaSubject}`;
      return { unstable: `${identity.provider} did not send ${what} (exactly one value), which identifies you for multi-factor authentication.` };
    }
    id = value;
  } else {
    if (identity.type === 'saml' && identity.conditionKeys['saml:sub_type'] === 'transient') {
      return { unstable: `${identity.provider} identified you with a transient NameID, a new value at every sign-in, which cannot own an MFA device.` };
    }
    id = identity.subject;
  }
  if (rule.subjectCase === 'insensitive') id = id.normalize('NFC').toLowerCase();
  return { owner: { kind: 'federated', provider: identity.provider, subject: id } };
}

/** The rule of a configured provider (the default when it is gone: the sign-in then fails anyway). */
export function mfaSubjectRuleOf(model: Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>, type: 'saml' | 'oidc', provider: string): MfaSubjectRule {
  const providers = type === 'saml' ? model.samlProviders : model.oidcProviders;
  return providers.find((p) => p.settings.name === provider)?.mfaSubjectRule ?? DEFAULT_MFA_SUBJECT_RULE;
}

/**
 * The owner a device of this identity was keyed by before its provider's rule changed (the subject
 * as asserted), when that differs from the current owner and could own one (not a transient NameID):
 * such a device is moved to the current owner at the next browser sign-in (after one of its codes).
 */
export function legacyMfaOwner(identity: FederatedSubject, current: FederatedMfaOwner): FederatedMfaOwner | undefined {
  if (identity.subject === current.subject) return undefined;
  if (identity.type === 'saml' && identity.conditionKeys['saml:sub_type'] === 'transient') return undefined;
  return { kind: 'federated', provider: identity.provider, subject: identity.subject };
}

function single(value: ContextValue | undefined): string | undefined {
  const v = typeof value === 'string' ? value : value !== undefined && value.length === 1 ? value[0] : undefined;
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** The owner under the provider's current rule: the one function every MFA path uses. */
export function mfaOwnershipIn(model: Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>, identity: FederatedSubject): MfaOwnership {
  return federatedMfaOwner(identity, mfaSubjectRuleOf(model, identity.type, identity.provider));
}

/** The federated identity a session carries, with its MFA owner recorded for later step-ups. */
export function federatedSessionIdentity(model: Pick<BrokerModel, 'samlProviders' | 'oidcProviders'>, identity: FederatedSubject): FederatedIdentity {
  const ownership = mfaOwnershipIn(model, identity);
  return { type: identity.type, provider: identity.provider, subject: identity.subject, mfaSubject: 'owner' in ownership ? ownership.owner.subject : null };
}
