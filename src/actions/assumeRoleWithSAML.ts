/**
 * AssumeRoleWithSAML (api.md §1; guide G9478–G9504, G6316–G6420): an unsigned call carrying the
 * base64 of a whole signed samlp:Response. Validate it against the provider named by PrincipalArn →
 * the role must be one the assertion offers (Role attribute pair, or — without that attribute — any
 * role whose trust policy allows this provider) → trust policy → durations capped by SessionDuration
 * and SessionNotOnOrAfter → mint a role session.
 */
import { IDPRejectedClaim, InvalidIdentityToken, ValidationError } from '../errors.js';
import { REPLAYED_ASSERTION } from '../federation/saml/checks/replay.js';
import { federatedUserIdentity } from '../audit/userIdentity.js';
import { parseSamlProviderArn } from '../credentials/arns.js';
import { samlRoleSessionLifetime } from '../credentials/durations.js';
import type { Broker } from '../broker.js';
import { defineAction } from '../protocol/action.js';
import { ARN_PARAM, ASSUME_ROLE_PARAMS } from '../protocol/params.js';
import type { ContextValue } from '../policy/types.js';
import { SAML_REQUESTS } from '../console/samlRequestBinding.js';
import { federatedSessionIdentity } from '../mfa/federatedOwner.js';
import { federatedTrustContext, trustRequest as roleTrustRequest, trustRequestFor, type TrustIdentity } from '../roles/federatedTrust.js';
import { SAML_ACTION, SESSION_NAME_REQUIRED, samlSessionName, samlTrustIdentity } from '../roles/samlRoles.js';
import { credentialsResult } from '../sessions/roleSession.js';
import { resolveSessionPolicy } from '../sessions/sessionPolicy.js';
import { requireAllowedTagKeys, samlSessionTags, tagAuditParameters } from '../sessions/tags/index.js';
import { federatedMfa } from './common/federatedMfa.js';
import { requestConditionKeys } from './common/requestContext.js';
import { checkRoleArnSyntax } from './common/roles.js';
import { authorizeTrust, notAuthorizedMessage, requireSetSourceIdentity, requireTagSession, requireTrustCouldAllow, roleNotConsidered } from './common/trust.js';

/** SAML keys that stay usable in permission policies for the session (guide G19586–G19606). */
const SESSION_KEYS = ['saml:namequalifier', 'saml:sub', 'saml:sub_type', 'saml:iss', 'saml:doc', 'aws:federatedprovider'];

export function assumeRoleWithSAML(broker: Broker) {
  return defineAction({
    name: 'AssumeRoleWithSAML',
    service: 'sts',
    auth: 'none',
    audit: 'always',
    params: {
      ...ASSUME_ROLE_PARAMS,
      PrincipalArn: { ...ARN_PARAM, required: true },
      SAMLAssertion: { type: 'string', required: true, min: 4, max: 100000, sensitive: true },
    },
    async handle({ params, request, audit }) {
      const model = broker.model;
      checkRoleArnSyntax(params.RoleArn, model);
      const providerName = samlProviderName(params.PrincipalArn, model.account);
      audit.requestParameters = {
        roleArn: params.RoleArn,
        principalArn: params.PrincipalArn,
        ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
        ...(params.PolicyArns.length > 0 ? { policyArns: params.PolicyArns.map((arn) => ({ arn })) } : {}),
      };
      const provider = model.samlProviders.find((p) => p.settings.name === providerName);
      if (provider === undefined) throw new InvalidIdentityToken(`No SAML provider ${params.PrincipalArn} exists in this account`);

      // The assertion is recorded as used only once everything the request's own parameters decide
      // (role, Policy, DurationSeconds) has passed: a retry with a corrected value must still work.
      let replay: { key: string; expiresAt: number } | undefined;
      const assertion = await broker.saml.validate(params.SAMLAssertion, {
        provider: providerName,
        claimAssertionId: async (key, expiresAt) => {
          replay = { key, expiresAt };
          return true;
        },
        consumeRequestId: async (id) => (await broker.store.takeItem(SAML_REQUESTS, id)) !== null,
        now: request.receivedAt,
      });
      const identity = assertion.identity;
      audit.userIdentity = federatedUserIdentity(identity);
      (audit.requestParameters as Record<string, unknown>)['SAMLAssertionID'] = assertion.assertionId;

      const session = samlSessionName(assertion, { fromNameId: provider.sessionNameFrom === 'nameId' });
      if (session.error !== undefined || session.name === undefined) throw new InvalidIdentityToken(session.error ?? SESSION_NAME_REQUIRED);
      const sessionName = session.name;
      (audit.requestParameters as Record<string, unknown>)['roleSessionName'] = sessionName;

      const tags = samlSessionTags(model, assertion.provider, identity.subject, assertion.attributes);
      Object.assign(audit.requestParameters as Record<string, unknown>, tagAuditParameters('principalTags', tags));
      // What depends on the role is looked at only once its trust policy could allow this caller:
      // a missing, unoffered or refusing role gets one answer (no role-existence oracle).
      const sessionPolicy = resolveSessionPolicy(model, params.Policy, params.PolicyArns, tags);
      const role = model.roleByArn(params.RoleArn);
      const trustIdentity: TrustIdentity = { ...samlTrustIdentity(assertion), ...(tags !== undefined ? { tags } : {}) };
      const contextWith = (mfa: Parameters<typeof federatedTrustContext>[2]) => federatedTrustContext(trustIdentity, requestConditionKeys(request), mfa, request.receivedAt, sessionName);
      const optimistic = trustRequestFor(role, params.RoleArn, trustIdentity, contextWith(undefined));
      // With the Role attribute, only its pairs (for this signer) may be taken.
      if (assertion.roleAttribute.length > 0 || assertion.malformedRoleValues.length > 0) {
        const offered = assertion.roleAttribute.some((p) => p.roleArn === params.RoleArn && p.providerArn === identity.providerArn);
        if (!offered) throw roleNotConsidered(notAuthorizedMessage(SAML_ACTION), optimistic, "the assertion's Role attribute does not offer this role");
      }
      requireTrustCouldAllow(role, optimistic);

      const lifetime = samlRoleSessionLifetime(
        params.DurationSeconds,
        role,
        {
          ...(assertion.sessionDuration !== undefined ? { sessionDuration: assertion.sessionDuration } : {}),
          ...(assertion.sessionNotOnOrAfter !== undefined ? { sessionNotOnOrAfter: Math.floor(assertion.sessionNotOnOrAfter / 1000) } : {}),
        },
        { nowMs: request.receivedAt },
      );
      if (model.config.saml.apiAssertionReuse !== 'allow' && replay !== undefined && !(await broker.store.claimOnce('saml-assertion', replay.key, replay.expiresAt))) {
        throw new IDPRejectedClaim(REPLAYED_ASSERTION);
      }
      const mfa = await federatedMfa(broker, identity, params.SerialNumber, params.TokenCode, request);
      const context = contextWith(mfa);
      const trustRequest = roleTrustRequest(role, trustIdentity, context);
      authorizeTrust(role, trustRequest, mfa !== undefined);
      if (assertion.sourceIdentity !== undefined) requireSetSourceIdentity(role, trustRequest);
      if (tags !== undefined) requireTagSession(role, trustRequest);
      requireAllowedTagKeys(role, tags);

      const kept: Record<string, ContextValue> = {};
      for (const k of SESSION_KEYS) {
        const v = context.get(k);
        if (v !== undefined) kept[k] = v;
      }
      // The assertion's own limits bound everything from it, a console session opened later with
      // these credentials (federation endpoint) included.
      const limits = [
        ...(assertion.sessionNotOnOrAfter !== undefined ? [Math.floor(assertion.sessionNotOnOrAfter / 1000)] : []),
        ...(assertion.sessionDuration !== undefined ? [lifetime.issuedAt + assertion.sessionDuration] : []),
      ];
      const assertionNotAfter = limits.length > 0 ? Math.min(...limits) : undefined;
      const issued = await broker.issuerFor(role).issue({
        issuer: 'AssumeRoleWithSAML',
        role,
        sessionName,
        lifetime,
        federated: federatedSessionIdentity(model, identity),
        ...(assertion.sourceIdentity !== undefined ? { sourceIdentity: assertion.sourceIdentity } : {}),
        person: identity.subject,
        ...(mfa ? { mfa } : {}),
        ...(sessionPolicy.stored ? { sessionPolicy: sessionPolicy.stored } : {}),
        ...(assertionNotAfter !== undefined ? { notAfter: assertionNotAfter } : {}),
        ...(tags !== undefined ? { tags } : {}),
        context: kept,
      });
      const packedPolicySize = issued.packedPolicySize ?? sessionPolicy.packedPolicySize;

      audit.upstream = issued.upstream;
      audit.resources = [
        { ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' },
        { ARN: identity.providerArn, accountId: model.account, type: 'AWS::IAM::SAMLProvider' },
      ];
      audit.responseElements = {
        credentials: { accessKeyId: issued.accessKeyId, expiration: issued.expiration.toISOString() },
        assumedRoleUser: { assumedRoleId: issued.assumedRoleId, arn: issued.assumedRoleArn },
        subjectType: assertion.subjectType,
        issuer: identity.issuer,
        audience: assertion.audience,
        nameQualifier: assertion.nameQualifier,
        subject: identity.subject,
        ...(packedPolicySize !== undefined ? { packedPolicySize } : {}),
        ...(issued.sourceIdentity !== undefined ? { sourceIdentity: issued.sourceIdentity } : {}),
      };
      return {
        Credentials: credentialsResult(issued),
        AssumedRoleUser: { AssumedRoleId: issued.assumedRoleId, Arn: issued.assumedRoleArn },
        PackedPolicySize: packedPolicySize,
        Subject: identity.subject,
        SubjectType: assertion.subjectType,
        Issuer: identity.issuer,
        Audience: assertion.audience,
        NameQualifier: assertion.nameQualifier,
        SourceIdentity: issued.sourceIdentity,
      };
    },
  });
}

/** `arn:aws:iam::ACCOUNT:saml-provider/NAME` → NAME; anything else is a ValidationError as AWS answers. */
export function samlProviderName(principalArn: string, account: string): string {
  const arn = parseSamlProviderArn(principalArn);
  if (arn === null) throw new ValidationError(`${principalArn} is invalid`);
  if (arn.account !== account) throw new InvalidIdentityToken(`No SAML provider ${principalArn} exists in this account`);
  return arn.name;
}
