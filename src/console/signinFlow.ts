/**
 * The browser sign-in after an identity provider has been validated (SAML ACS today, OIDC login
 * later): offer only the roles whose trust policy allows the identity → role picker when several fit
 * → TOTP step-up (or first enrolment) when the chosen role needs MFA the IdP did not assert → console
 * session cookie → redirect to the allow-listed destination or /console.
 */
import type { Request, Response } from 'express';
import { AwsError } from '../errors.js';
import type { AuditEventInput } from '../audit/auditLog.js';
import { federatedUserIdentity } from '../audit/userIdentity.js';
import { requestConditionKeys } from '../actions/common/requestContext.js';
import type { Broker } from '../broker.js';
import { roleSessionLifetime, samlConsoleSessionLifetime, type Lifetime } from '../credentials/durations.js';
import type { SessionClaims } from '../credentials/types.js';
import type { RoleModel } from '../config/model.js';
import type { RequestInfo } from '../protocol/action.js';
import { roleAccountLabel } from '../roles/accounts.js';
import { federatedTrustContext, judgeRole, trustIdentityOf } from '../roles/federatedTrust.js';

export { judgeCandidates, type SigninRoles } from '../roles/federatedTrust.js';
import { federatedSessionContext } from '../sessions/federatedContext.js';
import type { ConsoleOpening, IssuedSession } from '../sessions/issuer.js';
import { MfaCodeRefused } from '../mfa/codeRefused.js';
import { federatedSessionIdentity, legacyMfaOwner, mfaOwnershipIn, type FederatedMfaOwner } from '../mfa/federatedOwner.js';
import type { MfaDeviceView } from '../mfa/mfaService.js';
import { tagAuditParameters } from '../sessions/tags/index.js';
import { clientAddress } from '../http/clientAddress.js';
import { requestInfoOf } from '../http/requestInfo.js';
import { noteRequest } from '../http/requestLog.js';
import type { ConsoleSessions } from './consoleSession.js';
import { csrfToken, csrfValid } from './csrf.js';
import { alreadyUsedPage, errorPage, mfaActivatedPage, mfaEnrolmentPage, mfaPromptPage, rolePickerPage, type Activated, type RoleChoice } from './pages.js';
import { PasskeyRefused } from '../mfa/webauthn/index.js';
import { STEP_UP_METHODS, type StepUpMethod } from '../roles/federatedTrust.js';
import { enrolmentGrantValid, holdEnrolmentGrant, type HeldEnrolmentGrant } from '../mfa/enrolmentGrants.js';
import { contentSecurityPolicy as csp, newNonce } from '../http/html.js';
import type { PersonSessions } from './personSession.js';
import { isPersonDestination, personOf, stepUpStateOf } from './personSignin.js';
import type { Person } from '../sso/person.js';
import { consumeSigninState, openSigninState, sealSigninState, type NewSigninState, type SigninState } from './signinState.js';


export class SigninFlow {
  constructor(
    private readonly broker: Broker,
    private readonly sessions: ConsoleSessions,
    private readonly secure: boolean,
    private readonly persons?: PersonSessions,
  ) {}

  /** Continue a sign-in for an identity whose candidates have been judged. */
  async begin(req: Request, res: Response, start: NewSigninState): Promise<void> {
    // Bound for the access portal or an approval page: the person is signed in, no role is taken.
    if (isPersonDestination(start.destination, this.broker.loaded.publicUrl)) return this.completePerson(req, res, start, start.mfa);
    if (start.roles.length === 0 && start.mfaRoles.length === 0) {
      await this.auditFailure(req, start, 'No role allows this identity');
      this.page(res, 403, errorPage('No role available', `You signed in as ${start.subject} through ${start.provider}, but no role of this account allows that identity. Ask an administrator to grant you access.`));
      return;
    }
    if (start.roles.length === 1 && start.mfaRoles.length === 0) {
      await this.complete(req, res, start, start.roles[0]!, start.mfa);
      return;
    }
    if (start.roles.length === 0 && start.mfaRoles.length === 1) {
      await this.showMfaStep(req, res, { ...start, chosenRole: start.mfaRoles[0]! });
      return;
    }
    this.showPicker(req, res, start);
  }

  /** POST /signin/role */
  async chooseRole(req: Request, res: Response): Promise<void> {
    const state = this.openState(req, res);
    if (state === undefined) return;
    const role = String((req.body as Record<string, unknown>)['role'] ?? '');
    if (!state.roles.includes(role) && !state.mfaRoles.includes(role)) {
      await this.auditFailure(req, state, `Role ${role.slice(0, 2048)} was not offered to this sign-in`);
      this.page(res, 403, errorPage('Role not available', 'That role was not offered to this sign-in.'));
      return;
    }
    if (!(await this.spend(res, state))) return;
    if (state.roles.includes(role)) {
      await this.complete(req, res, state, role, state.mfa);
    } else {
      await this.showMfaStep(req, res, { ...state, chosenRole: role });
    }
  }

  /** POST /signin/mfa: a TOTP code from the identity's enrolled device. */
  async verifyMfa(req: Request, res: Response): Promise<void> {
    // Spent before the code is checked: a replayed form neither burns a code nor counts a failure.
    const step = await this.openMfaPost(req, res);
    if (step === undefined) return;
    const { state, owner } = step;
    if (!this.stepUpMethods(req, state).includes('totp')) return this.refuseMethod(req, res, state);
    const found = await this.deviceOf(state, owner);
    if (found === undefined) return this.showMfaStep(req, res, state);
    const { device } = found;
    const code = String((req.body as Record<string, unknown>)['code'] ?? '');
    try {
      const { authenticatedAt } = await this.broker.mfa.verifyCode(device.serial, code, found.owner, this.mfaContext(req));
      if (found.owner !== owner) await this.moveDevice(req, device.serial, found.owner, owner);
      await this.finish(req, res, state, { authenticatedAt, serial: device.serial });
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      // The same step again (passkeys still offered), saying why the code was refused.
      const lockedUntil = e instanceof MfaCodeRefused ? e.lockedUntil : undefined;
      await this.showMfaStep(req, res, state, { error: codeProblem(e), detail: e.message, status: 403, ...(lockedUntil !== undefined ? { lockedUntil } : {}) });
    }
  }

  /** POST /signin/mfa/enroll: two consecutive codes activate the new device and count as MFA. */
  async enrollMfa(req: Request, res: Response): Promise<void> {
    const step = await this.openMfaPost(req, res);
    if (step === undefined) return;
    const { state, owner } = step;
    const enrolment = state.enrolment;
    if (enrolment === undefined) return this.showMfaStep(req, res, state);
    const grant = await this.holdGrant(state, owner);
    if (grant === undefined) return this.showMfaStep(req, res, state);
    const body = req.body as Record<string, unknown>;
    try {
      await this.broker.mfa.enable(enrolment.serial, owner, String(body['code1'] ?? ''), String(body['code2'] ?? ''), this.mfaContext(req));
    } catch (e) {
      await grant.release();
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      // The same step again (the same key, passkeys still offered), saying why the codes were refused.
      return this.showMfaStep(req, res, state, { error: enrolmentProblem(e), detail: e.message, status: 403 });
    }
    const { enrolment: _shownOnce, ...rest } = state;
    await this.finish(req, res, rest, { authenticatedAt: Math.floor(Date.now() / 1000), serial: enrolment.serial }, { serial: enrolment.serial });
  }

  /** POST /signin/webauthn: an assertion by one of the identity's passkeys. */
  async verifyPasskey(req: Request, res: Response): Promise<void> {
    const step = await this.openMfaPost(req, res);
    if (step === undefined) return;
    const { state, owner } = step;
    if (!this.stepUpMethods(req, state).includes('webauthn')) return this.refuseMethod(req, res, state);
    const body = req.body as Record<string, unknown>;
    try {
      const { authenticatedAt } = await this.broker.passkeys.authenticate({ owner, binding: PASSKEY_BINDING }, state.webauthnChallenge ?? '', body['response'], this.mfaContext(req));
      const { webauthnChallenge: _spent, ...rest } = state;
      await this.finish(req, res, rest, { authenticatedAt, method: 'webauthn' });
    } catch (e) {
      if (!(e instanceof PasskeyRefused)) throw e;
      // Refused (and audited by the passkey service): the same step again, with a new challenge.
      await this.auditFailure(req, state, `MFA refused: ${e.message}`);
      await this.showMfaStep(req, res, state, { error: e.message, status: 403 });
    }
  }

  /** POST /signin/webauthn/enroll: a new passkey, registered at the sign-in that needs MFA; counts as MFA. */
  async enrollPasskey(req: Request, res: Response): Promise<void> {
    const step = await this.openMfaPost(req, res);
    if (step === undefined) return;
    const { state, owner } = step;
    // Only someone with nothing set up enrols here (else they step up with what they have).
    if ((await this.broker.passkeys.list(owner)).length > 0 || (await this.deviceOf(state, owner)) !== undefined) return this.showMfaStep(req, res, state);
    const grant = await this.holdGrant(state, owner);
    if (grant === undefined) return this.showMfaStep(req, res, state);
    const body = req.body as Record<string, unknown>;
    let name: string;
    try {
      name = (await this.broker.passkeys.register({ owner, binding: PASSKEY_BINDING }, state.webauthnChallenge ?? '', String(body['name'] ?? ''), body['response'], this.mfaContext(req))).name;
    } catch (e) {
      await grant.release();
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await this.auditFailure(req, state, `Passkey registration refused: ${e.message}`);
      return this.showMfaStep(req, res, state, { error: e.message, status: 403 });
    }
    const { webauthnChallenge: _spent, enrolment: _unused, ...rest } = state;
    await this.finish(req, res, rest, { authenticatedAt: Math.floor(Date.now() / 1000), method: 'webauthn' }, { passkey: name });
  }

  /**
   * MFA step-up for a person signed in to the portal (an approval that requires MFA, a role that
   * needs it): the same step as for a role — the person's device, or enrolment — then back to
   * `continueTo` with the portal session now carrying the MFA.
   */
  stepUp(req: Request, res: Response, person: Person, continueTo: string, options: { enrolGrant?: string; methods?: readonly StepUpMethod[] } = {}): Promise<void> {
    return this.showMfaStep(req, res, {
      ...stepUpStateOf(person, continueTo),
      ...(options.enrolGrant !== undefined ? { enrolGrant: options.enrolGrant } : {}),
      ...(options.methods !== undefined ? { stepUpMethods: options.methods } : {}),
    });
  }

  // ---- steps -------------------------------------------------------------------------------------

  private showPicker(req: Request, res: Response, state: NewSigninState | SigninState): void {
    const model = this.broker.model;
    const choices: RoleChoice[] = [
      ...state.roles.map((arn) => ({ arn, needsMfa: false })),
      ...state.mfaRoles.map((arn) => ({ arn, needsMfa: true })),
    ].map(({ arn, needsMfa }) => {
      const role = model.roleByArn(arn);
      const account = role !== undefined ? roleAccountLabel(model, role) : undefined;
      return { arn, name: role?.name ?? roleName(arn), ...(account !== undefined ? { account } : {}), ...(role?.description ? { description: role.description } : {}), needsMfa };
    });
    this.page(res, 200, rolePickerPage({ state: sealSigninState(this.broker.keyRing, state), csrf: csrfToken(req, res, this.secure), subject: state.subject, provider: state.provider, roles: choices }), state.destination);
  }

  /**
   * The one MFA step of the browser (a role that needs MFA, a person's step-up): the identity's
   * passkeys (offered first) and TOTP device, as far as the step accepts each method (a role may
   * demand fedbroker:MfaMethod = webauthn); with nothing set up, enrolment of either — at a first
   * sign-in (mfa.federatedEnrollment) or with an administrator's enrolment link.
   */
  private async showMfaStep(req: Request, res: Response, state: NewSigninState | SigninState, shown: { error?: string; detail?: string; status?: number; lockedUntil?: number } = {}): Promise<void> {
    const role = stepLabel(state);
    const ownership = mfaOwnershipIn(this.broker.model, state);
    if ('unstable' in ownership) return this.refuseUnstable(req, res, state, ownership.unstable);
    const owner = ownership.owner;
    const passkeys = this.broker.passkeys;
    // No passkey where none can work (an IP address as public host); a role demanding one then has no way in.
    const methods = this.stepUpMethods(req, state).filter((m) => m !== 'webauthn' || passkeys.relyingParty.available);
    const scope = { owner, binding: PASSKEY_BINDING };
    const hasPasskey = methods.includes('webauthn') && (await passkeys.list(owner)).length > 0;
    const found = await this.deviceOf(state, owner);
    const csrf = csrfToken(req, res, this.secure);
    const nonce = newNonce();
    const onlyPasskey = !methods.includes('totp');
    if (methods.length === 0) return this.refuseMethod(req, res, state);
    if ((hasPasskey && methods.includes('webauthn')) || (found !== undefined && !onlyPasskey)) {
      const passkey = hasPasskey && methods.includes('webauthn') ? await passkeys.authenticationOptions(scope) : undefined;
      const device = onlyPasskey ? undefined : found?.device;
      // A locked device: the prompt says until when, with its form disabled.
      const locked = device === undefined ? undefined : device.lockedUntil > Date.now() ? device.lockedUntil : shown.lockedUntil;
      const sealed = sealSigninState(this.broker.keyRing, { ...state, ...(passkey ? { webauthnChallenge: passkey.challenge } : {}) });
      const prompt = {
        state: sealed,
        csrf,
        role,
        onlyPasskey,
        ...(device !== undefined ? { serial: device.serial } : {}),
        ...(passkey ? { passkey: { options: JSON.stringify(passkey), nonce } } : {}),
        ...(locked !== undefined ? { lockedUntil: locked } : {}),
        ...(shown.error !== undefined ? { error: shown.error } : {}),
        ...(shown.detail !== undefined ? { detail: shown.detail } : {}),
      };
      this.page(res, shown.status ?? (locked !== undefined && passkey === undefined ? 403 : 200), mfaPromptPage(prompt), state.destination, passkey ? nonce : undefined);
      return;
    }
    if (found !== undefined) {
      // A passkey-only step and an authenticator app: enrolling here would skip proving the app (the
      // POST refuses it), so the person adds the passkey in the portal, after verifying with the app.
      await this.auditFailure(req, state, `MFA refused: ${role !== undefined ? `the role ${role}` : 'this step'} requires a passkey and none is registered`);
      this.page(res, 403, errorPage('Passkey required', `${role !== undefined ? `The role ${role}` : 'This step'} requires a passkey or security key, and you have none yet. Add one in the access portal (you will verify with your authenticator app first), then sign in again.`, undefined, { href: '/start', label: 'Go to the access portal' }));
      return;
    }
    if (!(await this.mayEnrol(state, owner))) {
      const what = onlyPasskey ? 'a passkey or security key' : 'multi-factor authentication';
      this.page(res, 403, errorPage(onlyPasskey ? 'Passkey required' : 'MFA device required', `${role !== undefined ? `The role ${role}` : 'This step'} requires ${what} and you have none set up here. Ask an administrator for an enrolment link.`));
      return;
    }
    const passkey = methods.includes('webauthn') ? await passkeys.registrationOptions(scope, { name: state.subject, displayName: `${state.sessionName} (${state.provider})` }) : undefined;
    // The same key until it is confirmed: what the person scanned on an earlier visit keeps working.
    const enrolment = onlyPasskey ? undefined : await this.broker.mfa.federatedEnrolment({ provider: owner.provider, subject: owner.subject }, this.mfaContext(req));
    const totp = enrolment && { serial: enrolment.device.serial, seedBase32: enrolment.seedBase32, qrPngBase64: enrolment.qrCodePng.toString('base64') };
    const sealed = sealSigninState(this.broker.keyRing, { ...state, ...(totp ? { enrolment: totp } : {}), ...(passkey ? { webauthnChallenge: passkey.challenge } : {}) });
    const page = mfaEnrolmentPage({ state: sealed, csrf, role, ...(totp ? { totp } : {}), ...(passkey ? { passkey: { options: JSON.stringify(passkey), nonce } } : {}), ...(shown.error !== undefined ? { error: shown.error } : {}), ...(shown.detail !== undefined ? { detail: shown.detail } : {}) });
    this.page(res, shown.status ?? 200, page, state.destination, passkey ? nonce : undefined);
  }

  /**
   * The MFA methods this step accepts: for a role, those its trust policy allows after the step-up
   * (judged again now); for a person's step-up (no role), either.
   */
  private stepUpMethods(req: Request, state: NewSigninState | SigninState): readonly StepUpMethod[] {
    if (state.chosenRole === undefined) return state.stepUpMethods ?? STEP_UP_METHODS;
    const role = this.broker.model.roleByArn(state.chosenRole);
    if (role === undefined) return STEP_UP_METHODS;
    const identity = trustIdentityOf(state);
    const info = this.requestInfo(req);
    const verdict = judgeRole(role, identity, federatedTrustContext(identity, requestConditionKeys(info), state.mfa, info.receivedAt, state.sessionName));
    // Allowed already, or not even with MFA: completing the step decides (and refuses) as before.
    return verdict.needsMfa ? verdict.methods : STEP_UP_METHODS;
  }

  /** May this identity enrol its first device or passkey now? First-sign-in enrolment, or an administrator's link for it. */
  private async mayEnrol(state: NewSigninState | SigninState, owner: FederatedMfaOwner): Promise<boolean> {
    if (this.broker.loaded.config.mfa.federatedEnrollment === 'first-sign-in') return true;
    return enrolmentGrantValid(this.broker.store, state.enrolGrant, owner);
  }

  /**
   * What lets this enrolment go ahead, held while it is made: the person's enrolment link taken (one
   * enrolment per link, even when two race), or — with `first-sign-in` — nothing needed (a link the
   * person came with is used up all the same, when it is there to take). Undefined: may not enrol.
   */
  private async holdGrant(state: NewSigninState | SigninState, owner: FederatedMfaOwner): Promise<HeldEnrolmentGrant | undefined> {
    const held = await holdEnrolmentGrant(this.broker.store, state.enrolGrant, owner);
    if (held !== undefined) return held;
    return this.broker.loaded.config.mfa.federatedEnrollment === 'first-sign-in' ? NOTHING_HELD : undefined;
  }

  /** A method the role does not accept (a TOTP code where it demands a passkey): refused, audited. */
  private async refuseMethod(req: Request, res: Response, state: NewSigninState | SigninState): Promise<void> {
    const role = stepLabel(state);
    await this.auditFailure(req, state, `MFA refused: the role ${role ?? ''} requires fedbroker:MfaMethod = webauthn (a passkey)`.replace('  ', ' '));
    this.page(res, 403, errorPage('Passkey required', `${role !== undefined ? `The role ${role}` : 'This step'} requires a passkey or security key; a code from an authenticator app is not enough. Sign in again and use a passkey.`));
  }

  /**
   * Re-check the role against its trust policy (the configuration may have changed), then start the
   * session. `activated`: the serial of an MFA device this sign-in just activated (the person is told so).
   */
  private async complete(req: Request, res: Response, state: NewSigninState | SigninState, roleArn: string, mfa: SessionClaims['mfa'] | undefined, activated?: Activated): Promise<void> {
    const model = this.broker.model;
    const role = model.roleByArn(roleArn);
    const info = this.requestInfo(req);
    // The identity provider may have been removed or disabled since the sign-in began (security.md).
    const providers = state.type === 'saml' ? model.samlProviders : model.oidcProviders;
    if (!providers.some((p) => p.settings.name === state.provider && p.settings.enabled)) {
      await this.auditFailure(req, state, `Identity provider ${state.provider} is no longer enabled`);
      this.page(res, 403, errorPage('Sign-in refused', 'Your identity provider is no longer accepted here. Sign in again.'));
      return;
    }
    const identity = trustIdentityOf(state);
    const context = federatedTrustContext(identity, requestConditionKeys(info), mfa, info.receivedAt, state.sessionName);
    if (role === undefined || !judgeRole(role, identity, context).allowed) {
      await this.auditFailure(req, state, `Role ${roleArn} is not allowed`);
      this.page(res, 403, errorPage('Sign-in refused', 'The role is no longer available to you.'));
      return;
    }
    let lifetime: Lifetime;
    try {
      lifetime = this.consoleLifetime(state, role, info.receivedAt);
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await this.auditFailure(req, state, e.message, e.code);
      this.page(res, 400, errorPage('Sign-in refused', e.message));
      return;
    }
    let session: IssuedSession;
    let opening: ConsoleOpening;
    try {
      session = await this.broker.issuerFor(role).issue({
        issuer: state.type === 'saml' ? 'AssumeRoleWithSAML' : 'AssumeRoleWithWebIdentity',
        role,
        sessionName: state.sessionName,
        lifetime,
        federated: federatedSessionIdentity(model, state),
        ...(state.sourceIdentity !== undefined ? { sourceIdentity: state.sourceIdentity } : {}),
        person: state.subject,
        ...(mfa ? { mfa } : {}),
        ...(state.tags !== undefined ? { tags: state.tags } : {}),
        context: federatedSessionContext(state),
      });
      opening = await session.openConsole({
        ...(state.destination !== undefined ? { destination: state.destination } : {}),
        offeredRoles: [...state.roles, ...state.mfaRoles],
        consoleSeconds: lifetime.expiresAt - lifetime.issuedAt,
      });
    } catch (e) {
      // The upstream's refusal or silence: a page with its status, never a 500.
      if (!(e instanceof AwsError)) throw e;
      await this.auditFailure(req, state, e.message, e.code);
      this.page(res, e.httpStatus, errorPage(e.httpStatus >= 500 ? 'Sign-in failed' : 'Sign-in refused', e.message));
      return;
    }
    noteRequest(res, { principal: session.assumedRoleArn });
    // Recorded before the browser is sent on: no audit event, no session.
    await this.recordConsoleLogin(info, state, {
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: {
        LoginTo: opening.loginTo,
        MFAUsed: mfa ? 'Yes' : 'No',
        roleArn: role.arn,
        accessKeyId: session.accessKeyId,
        ...tagAuditParameters('principalTags', state.tags),
      },
      ...(session.upstream !== undefined ? { upstream: session.upstream } : {}),
    });
    opening.start(res);
    if (activated !== undefined) return this.page(res, 200, mfaActivatedPage({ activated, role: role.name, next: opening.url }), state.destination);
    res.redirect(302, opening.url);
  }

  /** The end of an MFA step: the role's console session, or the person's portal session (step-up). */
  private finish(req: Request, res: Response, state: SigninState, mfa: NonNullable<SessionClaims['mfa']>, activated?: Activated): Promise<void> {
    return state.chosenRole !== undefined ? this.complete(req, res, state, state.chosenRole, mfa, activated) : this.completePerson(req, res, state, mfa, activated);
  }

  /**
   * A person signed in for the portal or an approval page (personSignin.ts): a portal session until
   * sso.sessionHours from now (the SAML SessionNotOnOrAfter may end it sooner) — or, after a
   * step-up, the same sign-in times with the MFA added — then on to the page.
   */
  private async completePerson(req: Request, res: Response, state: NewSigninState | SigninState, mfa: SessionClaims['mfa'] | undefined, activated?: Activated): Promise<void> {
    const info = this.requestInfo(req);
    const signedInAt = Math.floor(info.receivedAt / 1000);
    const times = state.stepUp ?? { signedInAt, sessionEnd: Math.min(signedInAt + this.broker.sso.settings().sessionSeconds, state.sessionNotOnOrAfter ?? Infinity) };
    const person = personOf(state, mfa, times);
    if (this.persons === undefined || !this.broker.sso.personValid(person, info.receivedAt)) {
      await this.auditFailure(req, state, 'The sign-in is not valid (provider disabled, subject revoked or session over)');
      this.page(res, 403, errorPage('Sign-in refused', 'Your identity provider is no longer accepted here. Sign in again.'));
      return;
    }
    const destination = state.destination ?? `${this.broker.loaded.publicUrl}/start`;
    await this.recordConsoleLogin(info, state, { responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { LoginTo: destination, MFAUsed: mfa ? 'Yes' : 'No' } });
    await this.persons.start(req, res, person, info.receivedAt);
    if (activated !== undefined) return this.page(res, 200, mfaActivatedPage({ activated, next: destination }), state.destination);
    res.redirect(302, destination);
  }

  /** The console session's length: the SAML SessionDuration attribute and SessionNotOnOrAfter, or the role's default. */
  private consoleLifetime(state: NewSigninState | SigninState, role: RoleModel, nowMs: number): Lifetime {
    if (state.type !== 'saml') return roleSessionLifetime(undefined, role, { nowMs });
    return samlConsoleSessionLifetime(
      role,
      {
        ...(state.sessionDuration !== undefined ? { sessionDuration: state.sessionDuration } : {}),
        ...(state.sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter: state.sessionNotOnOrAfter } : {}),
      },
      { nowMs },
    );
  }

  // ---- MFA owner -----------------------------------------------------------------------------------

  /**
   * The identity's enabled device: its owner's, or — when the provider's rule changed (mfaSubject,
   * subjectCase) — one still keyed by the subject as asserted, which a verified code then moves.
   */
  private async deviceOf(state: NewSigninState | SigninState, owner: FederatedMfaOwner): Promise<{ device: MfaDeviceView; owner: FederatedMfaOwner } | undefined> {
    const device = await this.broker.mfa.findEnabledDevice(owner);
    if (device !== null) return { device, owner };
    const legacy = legacyMfaOwner(state, owner);
    const old = legacy === undefined ? null : await this.broker.mfa.findEnabledDevice(legacy);
    return old === null ? undefined : { device: old, owner: legacy! };
  }

  private async moveDevice(req: Request, serial: string, from: FederatedMfaOwner, to: FederatedMfaOwner): Promise<void> {
    try {
      await this.broker.mfa.moveDevice(serial, from, to, this.mfaContext(req));
    } catch (e) {
      // The code was right: the sign-in goes on; the move is tried again next time.
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      this.broker.logger.warn({ serial, code: e.code }, 'moving an MFA device to its owner\'s new identifier failed');
    }
  }

  /** Nothing stable identifies this person: no device can be enrolled, found or used. */
  private async refuseUnstable(req: Request, res: Response, state: NewSigninState | SigninState, why: string): Promise<void> {
    await this.auditFailure(req, state, `MFA refused: ${why}`);
    this.page(
      res,
      403,
      errorPage(
        'MFA needs a stable identifier',
        `${state.chosenRole !== undefined ? `The role ${roleName(state.chosenRole)}` : 'This step'} requires multi-factor authentication. ${why} An MFA device can only belong to an identifier that stays the same at every sign-in: ask your administrator to have ${state.provider} send a persistent NameID, or to set the provider's mfaSubject to an attribute that identifies you permanently.`,
      ),
    );
  }

  // ---- helpers -------------------------------------------------------------------------------------

  /**
   * Middleware: limits.requestsPerMinutePerIp for the browser flows too (the same per-address budget as
   * the STS API), so sign-in pages and TOTP prompts cannot be hammered from one address (429 page).
   */
  readonly throttle = (req: Request, res: Response, next: () => void): void => {
    if (this.broker.rateLimiter.take(clientAddress(req, this.broker.loaded.config.server.trustProxy).sourceIp)) return next();
    this.broker.metrics.rateLimited.inc();
    res.set('retry-after', '60');
    this.page(res, 429, errorPage('Too many requests', 'Too many requests from your address. Wait a minute, then try again.'));
  };

  /**
   * The opening of every MFA step's POST: the anti-forgery token, the sealed state of a step (a role
   * chosen, or a person's step-up), spent once; then the identity's stable MFA owner. Undefined, with
   * the page sent, when any of it fails.
   */
  private async openMfaPost(req: Request, res: Response): Promise<{ state: SigninState; owner: FederatedMfaOwner } | undefined> {
    const state = this.openState(req, res);
    if (state === undefined) return undefined;
    if (state.chosenRole === undefined && state.stepUp === undefined) return void this.page(res, 400, errorPage('Sign-in failed', 'No role was chosen.'));
    if (!(await this.spend(res, state))) return undefined;
    const ownership = mfaOwnershipIn(this.broker.model, state);
    if ('unstable' in ownership) return void (await this.refuseUnstable(req, res, state, ownership.unstable));
    return { state, owner: ownership.owner };
  }

  /**
   * Marks a posted state used (every step's form is single use; the next step gets a freshly sealed
   * state). False, with the page sent, when it already was: a replayed or double-submitted form.
   */
  private async spend(res: Response, state: SigninState): Promise<boolean> {
    if (await consumeSigninState(this.broker.store, state)) return true;
    this.page(res, 400, alreadyUsedPage('This sign-in form was already submitted.'));
    return false;
  }

  private openState(req: Request, res: Response): SigninState | undefined {
    if (!csrfValid(req, this.secure)) {
      this.page(res, 403, errorPage('Request refused', 'The form is missing its anti-forgery token. Sign in again.'));
      return undefined;
    }
    const state = openSigninState(this.broker.keyRing, String((req.body as Record<string, unknown>)['state'] ?? ''));
    if (state === undefined) {
      this.page(res, 400, errorPage('Sign-in expired', 'This sign-in form expired or was altered. Sign in again from your identity provider.'));
      return undefined;
    }
    return state;
  }

  requestInfo(req: Request): RequestInfo {
    return requestInfoOf(req, this.broker.loaded.config.server.trustProxy);
  }

  private mfaContext(req: Request) {
    const info = this.requestInfo(req);
    return { requestId: info.requestId, sourceIp: info.sourceIp, userAgent: info.userAgent };
  }

  async auditFailure(req: Request, state: Pick<NewSigninState, 'type' | 'providerArn' | 'subject'> | undefined, message: string, code = 'AccessDenied'): Promise<void> {
    await this.recordConsoleLogin(this.requestInfo(req), state, { responseElements: { ConsoleLogin: 'Failure' }, errorCode: code, errorMessage: message });
  }

  /** The one shape of a ConsoleLogin event (success or failure), for sign-ins and the portal's console button. */
  recordConsoleLogin(
    info: RequestInfo,
    state: Pick<NewSigninState, 'type' | 'providerArn' | 'subject'> | undefined,
    outcome: Pick<AuditEventInput, 'responseElements' | 'additionalEventData' | 'errorCode' | 'errorMessage' | 'upstream'>,
  ): Promise<void> {
    return this.broker.audit.record({
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      eventType: 'AwsConsoleSignin',
      sourceIPAddress: info.sourceIp,
      userAgent: info.userAgent,
      userIdentity: state ? federatedUserIdentity(state) : { type: 'Unknown' },
      requestParameters: null,
      ...outcome,
      requestID: info.requestId,
      recipientAccountId: this.broker.model.account,
    });
  }

  /** A page; for a step of a sign-in bound for `destination`, its forms may lead there (CSP form-action). */
  page(res: Response, status: number, body: string, destination?: string, nonce?: string): void {
    // Forms of the sign-in steps may end in an upstream console too (the AWS federation endpoint).
    const targets = [...(destination !== undefined ? [new URL(destination).origin] : []), ...this.broker.consoleOrigins];
    res.status(status).set('content-security-policy', csp(nonce, targets)).set('cache-control', 'no-store').type('html').send(body);
  }
}


/** Passkey challenges of the sign-in steps: the sealed state names its challenge, the store spends it once. */
const PASSKEY_BINDING = 'signin';

/** What a person is told about a refused code (the API keeps AWS's words). */
function codeProblem(e: AwsError): string {
  if (!(e instanceof MfaCodeRefused)) return e.message;
  if (e.reason === 'reused') return 'That code was already used. Wait for the next code to appear in your app (a new one every 30 seconds), then enter it.';
  if (e.reason === 'invalid') return 'That code is not right. Enter the 6-digit code your app shows now for this account.';
  return e.message;
}

function enrolmentProblem(e: AwsError): string {
  if (e.code !== 'InvalidAuthenticationCode') return e.message;
  return 'Those codes do not match this key. Enter the code your app shows now, wait until it changes, then enter the new one.';
}

function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** What an MFA step is for: the chosen role's name, or nothing for a person's step-up. */
function stepLabel(state: Pick<NewSigninState, 'chosenRole'>): string | undefined {
  return state.chosenRole !== undefined ? roleName(state.chosenRole) : undefined;
}

/** With `first-sign-in`, an enrolment without a link: nothing to put back. */
const NOTHING_HELD: HeldEnrolmentGrant = { release: () => Promise.resolve() };
