/**
 * AssumeRoleWithWebIdentity (api.md §1; guide G9445–G9476): an unsigned call carrying an OIDC ID
 * token. Verify the token against its provider → evaluate the role's trust policy with the token's
 * claims as condition keys → apply session policies and duration rules → mint a role session.
 */
import { federatedUserIdentity } from '../audit/userIdentity.js';
import { roleSessionLifetime } from '../credentials/durations.js';
import { isValidSourceIdentity } from '../credentials/sourceIdentity.js';
import type { Broker } from '../broker.js';
import type { ContextValue } from '../policy/types.js';
import { defineAction } from '../protocol/action.js';
import { ASSUME_ROLE_PARAMS, ROLE_SESSION_NAME_PARAM } from '../protocol/params.js';
import { credentialsResult } from '../sessions/roleSession.js';
import { federatedTrustContext, trustRequest as roleTrustRequest, trustRequestFor, type TrustIdentity } from '../roles/federatedTrust.js';
import { oidcSessionTags, requireAllowedTagKeys, tagAuditParameters } from '../sessions/tags/index.js';
import { resolveSessionPolicy } from '../sessions/sessionPolicy.js';
import { requestConditionKeys } from './common/requestContext.js';
import { checkRoleArnSyntax } from './common/roles.js';
import { federatedMfa } from './common/federatedMfa.js';
import { federatedSessionIdentity } from '../mfa/federatedOwner.js';
import { authorizeTrust, requireSetSourceIdentity, requireTagSession, requireTrustCouldAllow } from './common/trust.js';

/** The claim AWS reads SourceIdentity from. */
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

/** Session context keys kept for the life of the credentials (usable in permission policies). */
function sessionKeys(providerName: string, keys: Readonly<Record<string, ContextValue>>): Record<string, ContextValue> {
  const prefix = providerName.toLowerCase();
  const keep = ['aws:federatedprovider', `${prefix}:sub`, `${prefix}:aud`, `${prefix}:amr`];
  const out: Record<string, ContextValue> = {};
  for (const k of keep) if (keys[k] !== undefined) out[k] = keys[k];
  return out;
}

export function assumeRoleWithWebIdentity(broker: Broker) {
  return defineAction({
    name: 'AssumeRoleWithWebIdentity',
    service: 'sts',
    auth: 'none',
    audit: 'always',
    params: {
      ...ASSUME_ROLE_PARAMS,
      RoleSessionName: { ...ROLE_SESSION_NAME_PARAM, required: true },
      WebIdentityToken: { type: 'string', required: true, min: 4, max: 20000, sensitive: true },
      ProviderId: { type: 'string', min: 4, max: 2048 },
    },
    async handle({ params, request, audit }) {
      const model = broker.model;
      checkRoleArnSyntax(params.RoleArn, model);
      audit.requestParameters = {
        roleArn: params.RoleArn,
        roleSessionName: params.RoleSessionName,
        ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
        ...(params.ProviderId !== undefined ? { providerId: params.ProviderId } : {}),
        ...(params.PolicyArns.length > 0 ? { policyArns: params.PolicyArns.map((arn) => ({ arn })) } : {}),
      };

      const verified = await broker.oidc.verify(params.WebIdentityToken, {
        ...(params.ProviderId !== undefined ? { providerId: params.ProviderId } : {}),
        now: request.receivedAt,
      });
      const identity = verified.identity;
      audit.userIdentity = federatedUserIdentity(identity);

      const sourceIdentityClaim = verified.claims[SOURCE_IDENTITY_CLAIM];
      const sourceIdentity = typeof sourceIdentityClaim === 'string' && isValidSourceIdentity(sourceIdentityClaim) ? sourceIdentityClaim : undefined;
      const tags = oidcSessionTags(model, verified.providerName, identity.subject, verified.claims);
      Object.assign(audit.requestParameters, tagAuditParameters('principalTags', tags));
      const trustIdentity: TrustIdentity = {
        type: 'oidc',
        providerArn: identity.providerArn,
        conditionKeys: identity.conditionKeys,
        ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
        ...(tags !== undefined ? { tags } : {}),
      };
      const contextWith = (mfa: Parameters<typeof federatedTrustContext>[2]) => federatedTrustContext(trustIdentity, requestConditionKeys(request), mfa, request.receivedAt, params.RoleSessionName);

      // Checked before the MFA code is spent, so a corrected retry can still use it; what depends on
      // the role only once its trust policy could allow this caller (no role-existence oracle).
      const sessionPolicy = resolveSessionPolicy(model, params.Policy, params.PolicyArns, tags);
      const role = model.roleByArn(params.RoleArn);
      requireTrustCouldAllow(role, trustRequestFor(role, params.RoleArn, trustIdentity, contextWith(undefined)));
      const lifetime = roleSessionLifetime(params.DurationSeconds, role, { nowMs: request.receivedAt });
      const mfa = await federatedMfa(broker, identity, params.SerialNumber, params.TokenCode, request);
      const trustRequest = roleTrustRequest(role, trustIdentity, contextWith(mfa));
      authorizeTrust(role, trustRequest, mfa !== undefined);
      if (sourceIdentity !== undefined) requireSetSourceIdentity(role, trustRequest);
      if (tags !== undefined) requireTagSession(role, trustRequest);
      requireAllowedTagKeys(role, tags);

      const session = await broker.issuerFor(role).issue({
        issuer: 'AssumeRoleWithWebIdentity',
        role,
        sessionName: params.RoleSessionName,
        lifetime,
        federated: federatedSessionIdentity(model, identity),
        ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
        person: identity.subject,
        ...(mfa ? { mfa } : {}),
        ...(sessionPolicy.stored ? { sessionPolicy: sessionPolicy.stored } : {}),
        ...(tags !== undefined ? { tags } : {}),
        context: sessionKeys(verified.providerName, identity.conditionKeys),
      });
      const packedPolicySize = session.packedPolicySize ?? sessionPolicy.packedPolicySize;

      audit.resources = [{ ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' }];
      audit.upstream = session.upstream;
      audit.responseElements = {
        credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration.toISOString() },
        assumedRoleUser: { assumedRoleId: session.assumedRoleId, arn: session.assumedRoleArn },
        provider: verified.issuer,
        subjectFromWebIdentityToken: identity.subject,
        audience: verified.audience,
        ...(packedPolicySize !== undefined ? { packedPolicySize } : {}),
        ...(session.sourceIdentity !== undefined ? { sourceIdentity: session.sourceIdentity } : {}),
      };
      return {
        Credentials: credentialsResult(session),
        SubjectFromWebIdentityToken: identity.subject,
        AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn },
        PackedPolicySize: packedPolicySize,
        Provider: verified.issuer,
        Audience: verified.audience,
        SourceIdentity: session.sourceIdentity,
      };
    },
  });
}
