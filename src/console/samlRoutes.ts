/**
 * The SAML service provider endpoints (api.md §3):
 *   POST /saml           Assertion Consumer Service (HTTP-POST binding; IdP- and SP-initiated)
 *   GET  /saml/metadata  SP metadata
 *   GET  /saml/login     SP-initiated: AuthnRequest by HTTP-Redirect to the IdP's SSO URL
 * A validated response continues in the shared sign-in flow (role picker, MFA, console session).
 */
import express, { type Request, type Response, type Router } from 'express';
import { AwsError, IDPRejectedClaim } from '../errors.js';
import { requestConditionKeys } from '../actions/common/requestContext.js';
import type { Broker } from '../broker.js';
import { idpAssertedMfa } from '../federation/identity.js';
import { buildAuthnRequest, buildSpMetadata, currentMetadata } from '../federation/saml/index.js';
import { REPLAYED_ASSERTION } from '../federation/saml/checks/replay.js';
import { federatedTrustContext } from '../roles/federatedTrust.js';
import { mapSamlRoles, offeredRoleArns, samlSessionName, samlTrustIdentity } from '../roles/samlRoles.js';
import { samlSessionTags } from '../sessions/tags/index.js';
import { isAllowedDestination, resolveRelayState } from './destinations.js';
import { alreadyUsedPage, errorPage } from './pages.js';
import { isPersonDestination } from './personSignin.js';
import { forgetBinding, rememberRequest, takeBoundRequest, type BoundRequest } from './samlRequestBinding.js';
import type { SigninFlow } from './signinFlow.js';

export function samlRouter(broker: Broker, flow: SigninFlow): Router {
  const router = express.Router();
  const limit = broker.loaded.config.limits.maxBodyBytes;
  const form = express.urlencoded({ extended: false, limit, parameterLimit: 20 });

  router.get('/metadata', (_req, res) => {
    res
      .type('application/samlmetadata+xml')
      .send(
        buildSpMetadata({
          entityId: broker.loaded.samlEntityId,
          acsUrl: broker.loaded.acsUrl,
          certificatePem: broker.keyRing.spCertificatePem,
          wantAssertionsSigned: true,
          authnRequestsSigned: broker.loaded.config.saml.signAuthnRequests,
        }),
      );
  });

  router.get('/login', flow.throttle, async (req, res) => {
    const name = String(req.query['provider'] ?? '');
    const provider = broker.model.samlProviders.find((p) => p.settings.name === name && p.settings.enabled);
    if (provider === undefined) return flow.page(res, 404, errorPage('Unknown identity provider', 'No enabled SAML identity provider has that name.'));
    const relayState = typeof req.query['RelayState'] === 'string' ? req.query['RelayState'] : undefined;
    const destination = resolveRelayState(relayState, broker.loaded.publicUrl);
    if (destination !== undefined && !isAllowedDestination(destination, broker.loaded.config.console.destinations, broker.loaded.publicUrl)) {
      return flow.page(res, 400, errorPage('Destination not allowed', 'The requested RelayState is not on this broker\'s allow-list.'));
    }
    const metadata = currentMetadata(provider.settings.metadata);
    if (metadata.ssoRedirectUrl === undefined) {
      return flow.page(res, 400, errorPage('Sign-in not available', `${name} publishes no HTTP-Redirect SingleSignOnService; start the sign-in from the identity provider instead.`));
    }
    const request = buildAuthnRequest({
      ssoUrl: metadata.ssoRedirectUrl,
      spEntityId: broker.loaded.samlEntityId,
      acsUrl: broker.loaded.acsUrl,
      ...(relayState !== undefined ? { relayState } : {}),
      ...(broker.loaded.config.saml.signAuthnRequests ? { signingKey: broker.keyRing.spSigningKey } : {}),
    });
    await rememberRequest(broker.store, res, broker.loaded.publicUrl, request.requestId, name);
    res.set('cache-control', 'no-store').redirect(302, request.url);
  });

  router.post('/', flow.throttle, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const samlResponse = typeof body['SAMLResponse'] === 'string' ? body['SAMLResponse'] : undefined;
    if (samlResponse === undefined || samlResponse === '') {
      return flow.page(res, 400, errorPage('Invalid SAML response', 'Your request included no SAMLResponse.'));
    }
    const relayState = typeof body['RelayState'] === 'string' ? body['RelayState'] : undefined;
    const destination = resolveRelayState(relayState, broker.loaded.publicUrl);
    if (destination !== undefined && !isAllowedDestination(destination, broker.loaded.config.console.destinations, broker.loaded.publicUrl)) {
      await flow.auditFailure(req, undefined, 'RelayState not on the allow-list', 'InvalidParameterValue');
      return flow.page(res, 400, errorPage('Destination not allowed', 'The RelayState of this sign-in is not on this broker\'s allow-list.'));
    }

    const info = flow.requestInfo(req);
    let assertion;
    let outstanding: BoundRequest | undefined;
    try {
      assertion = await broker.saml.validate(samlResponse, {
        // The browser endpoint is always one use per assertion, whatever apiAssertionReuse says.
        claimAssertionId: (key, expiresAt) => broker.store.claimOnce('saml-assertion', key, expiresAt),
        // The outstanding AuthnRequest (GET /saml/login), only from the browser that started it.
        consumeRequestId: async (id) => {
          forgetBinding(res, broker.loaded.publicUrl, id);
          outstanding = await takeBoundRequest(broker.store, req, id);
          return typeof outstanding === 'object';
        },
        now: info.receivedAt,
      });
      // A request sent to one IdP can only be answered by that IdP, not by another configured one.
      if (assertion.inResponseTo !== undefined && (typeof outstanding !== 'object' || outstanding.provider !== assertion.provider)) {
        throw new IDPRejectedClaim('SAML response rejected: InResponseTo answers a request that was sent to another identity provider');
      }
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      if (outstanding === 'other-browser') {
        await flow.auditFailure(req, undefined, 'SAML response to a sign-in started in another browser', 'AccessDenied');
        return flow.page(res, 403, errorPage('Sign-in refused', 'This sign-in was started in another browser. Start again here.'));
      }
      await flow.auditFailure(req, undefined, e.message, e.code);
      // A refreshed role picker (or the Back button) posts the same response again: say so plainly.
      if (e.message === REPLAYED_ASSERTION) return flow.page(res, 403, alreadyUsedPage(e.message));
      return flow.page(res, e.httpStatus === 413 ? 413 : 403, errorPage('Your request included an invalid SAML response', e.message));
    }
    // An unsolicited (IdP-initiated) response does not open a person's portal session: any page could post
    // one made for its author's own account into someone else's browser (login CSRF), and the portal
    // and approval pages would then act as its author. The sign-in goes round again through the IdP,
    // SP-initiated from this browser (with the IdP's session, usually without a prompt).
    if (assertion.inResponseTo === undefined && isPersonDestination(destination, broker.loaded.publicUrl)) {
      const identity = { type: 'saml' as const, providerArn: assertion.identity.providerArn, subject: assertion.identity.subject };
      return restartFromThisBrowser(broker, flow, req, res, identity, assertion.provider, relayState ?? '');
    }
    // The browser sign-in always falls back to the NameID (a person signing in needs no attribute for it).
    const sessionName = samlSessionName(assertion, { fromNameId: true });
    if (sessionName.name === undefined) {
      const identity = { type: 'saml' as const, providerArn: assertion.identity.providerArn, subject: assertion.identity.subject };
      await flow.auditFailure(req, identity, sessionName.error ?? 'invalid RoleSessionName', 'InvalidIdentityToken');
      return flow.page(res, 400, errorPage('Invalid SAML response', sessionName.error ?? 'RoleSessionName is required in AuthnResponse'));
    }
    let tags;
    try {
      tags = samlSessionTags(broker.model, assertion.provider, assertion.identity.subject, assertion.attributes);
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await flow.auditFailure(req, { type: 'saml', providerArn: assertion.identity.providerArn, subject: assertion.identity.subject }, e.message, e.code);
      return flow.page(res, 400, errorPage('Invalid session tags', e.message));
    }
    const identity = { ...samlTrustIdentity(assertion), ...(tags !== undefined ? { tags } : {}) };
    const mfa = idpAssertedMfa(assertion.identity);
    const context = federatedTrustContext(identity, requestConditionKeys(info), mfa, info.receivedAt, sessionName.name);
    const mapping = mapSamlRoles(broker.model, assertion, context, tags);
    await flow.begin(req, res, {
      type: 'saml',
      provider: assertion.provider,
      providerArn: assertion.identity.providerArn,
      subject: assertion.identity.subject,
      issuer: assertion.identity.issuer,
      conditionKeys: assertion.identity.conditionKeys,
      ...(assertion.sourceIdentity !== undefined ? { sourceIdentity: assertion.sourceIdentity } : {}),
      ...(tags !== undefined ? { tags } : {}),
      sessionName: sessionName.name,
      ...(assertion.sessionDuration !== undefined ? { sessionDuration: assertion.sessionDuration } : {}),
      ...(assertion.sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter: Math.floor(assertion.sessionNotOnOrAfter / 1000) } : {}),
      ...(mfa ? { mfa } : {}),
      roles: mapping.verdicts.filter((v) => v.allowed).map((v) => v.role.arn),
      mfaRoles: mapping.verdicts.filter((v) => v.needsMfa).map((v) => v.role.arn),
      ...(mapping.fromAttribute ? { offeredRoles: offeredRoleArns(assertion) ?? [] } : {}),
      ...(destination !== undefined ? { destination } : {}),
    });
  });

  return router;
}

/** An unsolicited response bound for a person page: on to GET /saml/login for the same provider and RelayState. */
async function restartFromThisBrowser(
  broker: Broker,
  flow: SigninFlow,
  req: Request,
  res: Response,
  identity: Parameters<SigninFlow['auditFailure']>[1],
  providerName: string,
  relayState: string,
): Promise<void> {
  const provider = broker.model.samlProviders.find((p) => p.settings.name === providerName);
  await flow.auditFailure(req, identity, 'IdP-initiated SAML response for the access portal or an approval page: the sign-in must start at the broker (SP-initiated)', 'AccessDenied');
  if (provider === undefined || currentMetadata(provider.settings.metadata).ssoRedirectUrl === undefined) {
    return flow.page(
      res,
      403,
      errorPage('Start the sign-in here', `The access portal and the approval pages accept only sign-ins that start at this broker, and ${providerName} publishes no HTTP-Redirect SingleSignOnService to start one. Ask an administrator.`),
    );
  }
  const query = new URLSearchParams({ provider: providerName, ...(relayState !== '' ? { RelayState: relayState } : {}) });
  res.set('cache-control', 'no-store').redirect(303, `${broker.loaded.publicUrl}/saml/login?${query.toString()}`);
}
