/**
 * Browser sign-in through an OpenID provider (api.md §4): the broker as relying party.
 *   GET /oidc/login?provider=NAME[&RelayState=URL][&login_hint=…]  authorization code + PKCE (S256),
 *       state and nonce, by redirect to the provider (openid-client);
 *   GET /oidc/callback/<NAME>  the code is exchanged at that provider's token endpoint, and the ID
 *       token then goes through the same verification as AssumeRoleWithWebIdentity (signature with the
 *       provider's keys, issuer, aud ∈ clientIds, times); the sign-in continues as the SAML one does
 *       (role picker, MFA step-up, console session).
 * The pending login (PKCE verifier, nonce, provider, destination, a hash of a browser binding) is kept
 * in the store under its `state` for 10 minutes and taken once, so a callback works once, on any
 * instance. Against login CSRF the state is bound to the browser that started the flow (an HttpOnly
 * cookie whose hash the pending login holds, RFC 6749 §10.12); against provider mix-up each provider
 * has its own callback path, which must name the provider the flow was started with (RFC 9700 §4.4).
 */
import { createHash } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import * as client from 'openid-client';
import { requestConditionKeys } from '../actions/common/requestContext.js';
import type { Broker } from '../broker.js';
import type { OidcProviderModel } from '../config/model.js';
import { AwsError } from '../errors.js';
import { idpAssertedMfa } from '../federation/identity.js';
import { constantTimeEqual } from '../keys/constantTime.js';
import { randomBytesPooled } from '../keys/randomPool.js';
import { federatedTrustContext } from '../roles/federatedTrust.js';
import { oidcSessionTags } from '../sessions/tags/index.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';
import { isAllowedDestination, resolveRelayState } from './destinations.js';
import { errorPage } from './pages.js';
import { judgeCandidates, type SigninFlow } from './signinFlow.js';

const PENDING = 'oidc-login';
const PENDING_TTL_MS = 10 * 60_000;
/** The browser binding of a pending login. */
const BINDING_COOKIE = 'fedbroker_oidc';
/** Discovery and the token request each get this long (seconds, openid-client's unit). */
const PROVIDER_TIMEOUT_S = 5;
/** A provider's discovered configuration is fetched again after this long. */
const DISCOVERY_TTL_MS = 60 * 60_000;

interface PendingLogin {
  readonly provider: string;
  readonly verifier: string;
  readonly nonce: string;
  /** SHA-256 (hex) of the binding cookie's value. */
  readonly binding: string;
  readonly destination?: string;
}

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');


export function oidcRouter(broker: Broker, flow: SigninFlow): Router {
  const router = express.Router();
  // Discovered provider configurations, by everything a reload may change (name, issuer, client id,
  // a hash of the secret), refreshed after DISCOVERY_TTL_MS.
  const configurations = new Map<string, { at: number; configuration: Promise<client.Configuration> }>();
  const secure = broker.loaded.publicUrl.startsWith('https:');
  const configurationOf = (provider: OidcProviderModel & { login: NonNullable<OidcProviderModel['login']> }): Promise<client.Configuration> => {
    const secretHash = provider.login.clientSecret === undefined ? '' : sha256Hex(provider.login.clientSecret);
    const key = JSON.stringify([provider.settings.name, provider.settings.issuer, provider.login.clientId, secretHash]);
    const cached = configurations.get(key);
    let pending = cached !== undefined && Date.now() - cached.at < DISCOVERY_TTL_MS ? cached.configuration : undefined;
    if (pending === undefined) {
      const issuer = new URL(provider.settings.issuer);
      const secret = provider.login.clientSecret;
      pending = client.discovery(issuer, provider.login.clientId, secret, secret === undefined ? client.None() : undefined, {
        // Provider URLs are https, or http on loopback only (checked when the configuration loads).
        execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_S,
      });
      // A failed discovery is retried on the next sign-in, not cached.
      pending.catch(() => configurations.delete(key));
      configurations.set(key, { at: Date.now(), configuration: pending });
    }
    return pending;
  };
  const loginProvider = (name: string) => {
    const provider = broker.model.oidcProviders.find((p) => p.settings.name === name && p.settings.enabled && p.login !== undefined);
    return provider as (OidcProviderModel & { login: NonNullable<OidcProviderModel['login']> }) | undefined;
  };
  const callbackUrl = (provider: string) => `${broker.loaded.publicUrl}/oidc/callback/${encodeURIComponent(provider)}`;

  router.get('/login', flow.throttle, async (req, res) => {
    const name = String(req.query['provider'] ?? '');
    const provider = loginProvider(name);
    if (provider === undefined) return flow.page(res, 404, errorPage('Unknown identity provider', 'No enabled OpenID provider with browser sign-in has that name.'));
    const relayState = typeof req.query['RelayState'] === 'string' ? req.query['RelayState'] : undefined;
    const destination = resolveRelayState(relayState, broker.loaded.publicUrl);
    if (destination !== undefined && !isAllowedDestination(destination, broker.loaded.config.console.destinations, broker.loaded.publicUrl)) {
      return flow.page(res, 400, errorPage('Destination not allowed', 'The requested RelayState is not on this broker\'s allow-list.'));
    }
    let configuration: client.Configuration;
    try {
      configuration = await configurationOf(provider);
    } catch {
      return flow.page(res, 502, errorPage('Identity provider unavailable', `${name} could not be reached. Try again later.`));
    }
    const verifier = client.randomPKCECodeVerifier();
    const state = randomBytesPooled(24).toString('base64url');
    const nonce = randomBytesPooled(24).toString('base64url');
    const binding = randomBytesPooled(24).toString('base64url');
    const pending: PendingLogin = { provider: provider.settings.name, verifier, nonce, binding: sha256Hex(binding), ...(destination !== undefined ? { destination } : {}) };
    await broker.store.putItem(PENDING, state, JSON.stringify(pending), Date.now() + PENDING_TTL_MS);
    // Lax: sent on the provider's top-level redirect back to the callback.
    setCookie(res, BINDING_COOKIE, binding, { secure, maxAgeSeconds: PENDING_TTL_MS / 1000, path: '/oidc' });
    const loginHint = typeof req.query['login_hint'] === 'string' ? req.query['login_hint'].slice(0, 256) : undefined;
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: callbackUrl(provider.settings.name),
      scope: provider.login.scopes.includes('openid') ? provider.login.scopes.join(' ') : ['openid', ...provider.login.scopes].join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint !== undefined ? { login_hint: loginHint } : {}),
    });
    res.set('cache-control', 'no-store').redirect(302, url.href);
  });

  router.get('/callback/:provider', flow.throttle, async (req, res) => {
    const info = flow.requestInfo(req);
    const binding = readCookie(req, BINDING_COOKIE);
    clearCookie(res, BINDING_COOKIE, { secure, path: '/oidc' });
    const state = typeof req.query['state'] === 'string' ? req.query['state'] : '';
    const stored = state === '' ? null : await broker.store.takeItem(PENDING, state);
    if (stored === null) {
      await flow.auditFailure(req, undefined, 'OIDC sign-in callback with an unknown, used or expired state', 'InvalidParameterValue');
      return flow.page(res, 400, errorPage('Sign-in expired', 'This sign-in is unknown, was already completed, or took too long. Start again.'));
    }
    const pending = JSON.parse(stored) as PendingLogin;
    // Only the browser that started this sign-in may finish it (no login CSRF)…
    if (binding === undefined || !constantTimeEqual(sha256Hex(binding), pending.binding)) {
      await flow.auditFailure(req, undefined, 'OIDC sign-in callback from a browser that did not start it', 'AccessDenied');
      return flow.page(res, 403, errorPage('Sign-in refused', 'This sign-in was started in another browser. Start again here.'));
    }
    // …and only at the callback of the provider it was started with (no provider mix-up).
    if (String(req.params['provider'] ?? '') !== pending.provider) {
      await flow.auditFailure(req, undefined, `OIDC sign-in started with ${pending.provider} came back at another provider's callback`, 'AccessDenied');
      return flow.page(res, 403, errorPage('Sign-in refused', 'This sign-in came back from another identity provider than the one it was started with.'));
    }
    const provider = loginProvider(pending.provider);
    if (provider === undefined) {
      return flow.page(res, 403, errorPage('Sign-in refused', 'Your identity provider is no longer accepted here. Sign in again.'));
    }
    if (typeof req.query['error'] === 'string') {
      const why = `${req.query['error']}${typeof req.query['error_description'] === 'string' ? `: ${req.query['error_description']}` : ''}`.slice(0, 300);
      await flow.auditFailure(req, undefined, `OIDC sign-in refused by ${provider.settings.name}: ${why}`);
      return flow.page(res, 403, errorPage('Sign-in refused', `${provider.settings.name} did not sign you in (${why}).`));
    }
    let idToken: string | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(await configurationOf(provider), currentUrl(req, callbackUrl(provider.settings.name)), {
        pkceCodeVerifier: pending.verifier,
        expectedState: state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (e) {
      await flow.auditFailure(req, undefined, `OIDC code exchange with ${provider.settings.name} failed: ${(e as Error).message.slice(0, 300)}`);
      return flow.page(res, 403, errorPage('Sign-in failed', `The sign-in with ${provider.settings.name} could not be completed. Start again.`));
    }
    // The broker's own verification on top of openid-client's: the provider's keys, issuer,
    // aud ∈ clientIds, times, algorithm allow-list — exactly as for AssumeRoleWithWebIdentity.
    let verified;
    try {
      verified = await broker.oidc.verify(idToken ?? '', { providerId: provider.settings.name, now: info.receivedAt });
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await flow.auditFailure(req, undefined, e.message, e.code);
      return flow.page(res, 403, errorPage('Sign-in failed', e.message));
    }
    const identity = verified.identity;
    const sessionName = sessionNameOf(verified.claims, identity.subject);
    const mfa = idpAssertedMfa(identity);
    let tags;
    try {
      tags = oidcSessionTags(broker.model, verified.providerName, identity.subject, verified.claims);
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      await flow.auditFailure(req, identity, e.message, e.code);
      return flow.page(res, 400, errorPage('Invalid session tags', e.message));
    }
    const trustIdentity = { type: 'oidc' as const, providerArn: identity.providerArn, conditionKeys: identity.conditionKeys, ...(tags !== undefined ? { tags } : {}) };
    const context = federatedTrustContext(trustIdentity, requestConditionKeys(info), mfa, info.receivedAt, sessionName);
    const judged = judgeCandidates([...broker.model.roles.values()], trustIdentity, context);
    await flow.begin(req, res, {
      type: 'oidc',
      provider: verified.providerName,
      providerArn: identity.providerArn,
      subject: identity.subject,
      issuer: verified.issuer,
      conditionKeys: identity.conditionKeys,
      ...(tags !== undefined ? { tags } : {}),
      sessionName,
      ...(mfa ? { mfa } : {}),
      roles: judged.allowed.map((r) => r.arn),
      mfaRoles: judged.needMfa.map((r) => r.arn),
      ...(pending.destination !== undefined ? { destination: pending.destination } : {}),
    });
  });

  return router;
}

/** The callback URL as the provider redirected to it: the configured one with the query received. */
function currentUrl(req: Request, callback: string): URL {
  const url = new URL(callback);
  const q = req.originalUrl.indexOf('?');
  url.search = q < 0 ? '' : req.originalUrl.slice(q);
  return url;
}

/**
 * RoleSessionName: the email claim when the provider verified it, else preferred_username, else the
 * subject, in AWS's alphabet. (An unverified email could name somebody else in policies and audit.)
 */
function sessionNameOf(claims: Readonly<Record<string, unknown>>, subject: string): string {
  const email = claims['email_verified'] === true ? claims['email'] : undefined;
  const candidate = [email, claims['preferred_username'], subject].find((v): v is string => typeof v === 'string' && v !== '')!;
  const name = candidate.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return name.length >= 2 ? name : `${name}--`.slice(0, 2);
}
