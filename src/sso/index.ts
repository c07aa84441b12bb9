/**
 * Command-line sign-in (sso.md) behind one narrow face: the SSO OIDC and SSO portal APIs, the device
 * authorizations and authorization codes the approval pages decide, the CLI sessions the access
 * portal lists, and the one credential issuer. Built once by the broker; reads the current model and
 * settings on every call, so a configuration reload applies at once.
 */
import type { AuditSink } from '../audit/auditLog.js';
import type { LoadedConfig } from '../config/load.js';
import type { BrokerModel } from '../config/model.js';
import { isIssuerOf } from '../federation/oidc/oidcFederation.js';
import { currentMetadata } from '../federation/saml/index.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { RevocationCache } from '../sessions/revocations.js';
import type { Store } from '../store/types.js';
import { AuthorizationCodes } from './authorizationCodes.js';
import { DeviceAuthorizations } from './deviceAuthorizations.js';
import type { RoleCredentialIssuer } from './issuer.js';
import { SsoOidc } from './oidcApi.js';
import type { Person } from './person.js';
import { SsoPortal } from './portalApi.js';
import { CliSessions } from './sessions.js';
import { ssoSettings, type SsoSettings } from './settings.js';

export interface SsoServiceDeps {
  readonly store: Store;
  readonly keyRing: KeyRing;
  readonly revocations: RevocationCache;
  readonly audit: AuditSink;
  model(): BrokerModel;
  loaded(): LoadedConfig;
  /** Where credentials come from (issuer.ts): injected, one function for every role. */
  readonly issuer: RoleCredentialIssuer;
}

export class SsoService {
  readonly devices: DeviceAuthorizations;
  readonly codes: AuthorizationCodes;
  readonly sessions: CliSessions;
  readonly oidc: SsoOidc;
  readonly portal: SsoPortal;

  constructor(private readonly deps: SsoServiceDeps) {
    this.devices = new DeviceAuthorizations(deps.store, deps.keyRing);
    this.codes = new AuthorizationCodes(deps.store);
    this.sessions = new CliSessions(deps.store, deps.keyRing, deps.revocations, () => this.settings().accessTokenSeconds);
    const account = () => deps.model().account;
    const personValid = (person: Person, nowMs: number) => this.personValid(person, nowMs);
    this.oidc = new SsoOidc({
      keyRing: deps.keyRing,
      devices: this.devices,
      codes: this.codes,
      sessions: this.sessions,
      audit: deps.audit,
      settings: () => this.settings(),
      account,
      personValid,
    });
    this.portal = new SsoPortal({
      keyRing: deps.keyRing,
      sessions: this.sessions,
      audit: deps.audit,
      model: deps.model,
      settings: () => this.settings(),
      personValid,
      issuer: () => deps.issuer,
    });
  }

  settings(): SsoSettings {
    return ssoSettings(this.deps.loaded());
  }

  /**
   * Is everything from this person's sign-in still good? Not past its end, its provider still
   * configured and enabled and still the same identity provider (the issuer the person came from:
   * a provider name re-pointed to another IdP does not vouch for the old one's people), and the
   * subject not revoked since (`fedbroker revoke subject`).
   */
  personValid(person: Person, nowMs = Date.now()): boolean {
    if (person.sessionEnd * 1000 <= nowMs) return false;
    const model = this.deps.model();
    if (!(person.type === 'saml' ? samlProviderIssued(model, person) : oidcProviderIssued(model, person))) return false;
    return !this.deps.revocations.isSubjectRevoked(person.provider, person.subject, person.signedInAt * 1000);
  }
}

/** The enabled SAML provider of the person's name has the entityID they came from (its metadata as now loaded). */
function samlProviderIssued(model: BrokerModel, person: Person): boolean {
  const provider = model.samlProviders.find((p) => p.settings.name === person.provider && p.settings.enabled);
  return provider !== undefined && currentMetadata(provider.settings.metadata).entityId === person.issuer;
}

/** The enabled OIDC provider of the person's name has the issuer they came from. */
function oidcProviderIssued(model: BrokerModel, person: Person): boolean {
  const provider = model.oidcProviders.find((p) => p.settings.name === person.provider && p.settings.enabled);
  return provider !== undefined && isIssuerOf(provider.settings.issuer, person.issuer);
}
