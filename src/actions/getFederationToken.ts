/**
 * GetFederationToken (guide G9506–G9581): an IAM user's long-term keys → credentials for a federated
 * user `arn:…:sts::ACCOUNT:federated-user/NAME`, 900..129600 s. Their permissions are the calling
 * user's policies ∩ the session policy — without a session policy they grant nothing (G9577). The
 * caller needs sts:GetFederationToken on the federated-user ARN (G10280), and sts:TagSession there to
 * pass session tags (which override the user's own tags in the federated user's aws:PrincipalTag).
 */
import { federatedUserArn } from '../credentials/arns.js';
import { getFederationTokenLifetime } from '../credentials/durations.js';
import { newAccessKeyId, newSecretAccessKey } from '../credentials/ids.js';
import type { SessionClaims } from '../credentials/types.js';
import type { Broker } from '../broker.js';
import { defineAction } from '../protocol/action.js';
import { POLICY_ARNS_PARAM, SESSION_POLICY_PARAM, TAGS_PARAM } from '../protocol/params.js';
import { credentialsResult, sealed } from '../sessions/roleSession.js';
import { resolveSessionPolicy } from '../sessions/sessionPolicy.js';
import { requestedSessionTags, requestTagKeys, tagAuditParameters } from '../sessions/tags/index.js';
import { authorizeCaller } from './common/callerPolicy.js';
import { requireCaller, requireLongTermUser } from './common/signedCaller.js';

export function getFederationToken(broker: Broker) {
  return defineAction({
    name: 'GetFederationToken',
    service: 'sts',
    auth: 'sigv4',
    audit: 'always',
    params: {
      Name: { type: 'string', required: true, min: 2, max: 32, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' },
      DurationSeconds: { type: 'integer', min: 900, max: 129600 },
      Policy: SESSION_POLICY_PARAM,
      PolicyArns: POLICY_ARNS_PARAM,
      Tags: TAGS_PARAM,
    },
    async handle({ params, caller: signed, request, audit }) {
      const caller = requireLongTermUser(requireCaller(signed), 'GetFederationToken');
      const model = broker.model;
      const arn = federatedUserArn(model.partition, model.account, params.Name);
      audit.requestParameters = {
        name: params.Name,
        ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
        ...(params.Policy !== undefined ? { policy: params.Policy } : {}),
        ...(params.PolicyArns.length > 0 ? { policyArns: params.PolicyArns.map((a) => ({ arn: a })) } : {}),
        ...tagAuditParameters('tags', { tags: params.Tags, transitiveTagKeys: [] }),
      };
      const tags = requestedSessionTags(params.Tags);
      const tagKeys = requestTagKeys(tags);
      authorizeCaller(broker, caller, request, 'sts:GetFederationToken', arn, tagKeys);
      if (tags !== undefined) authorizeCaller(broker, caller, request, 'sts:TagSession', arn, tagKeys);
      const sessionPolicy = resolveSessionPolicy(model, params.Policy, params.PolicyArns, tags);
      const lifetime = getFederationTokenLifetime(params.DurationSeconds, { nowMs: request.receivedAt });
      const claims: SessionClaims = {
        accessKeyId: newAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        issuedAt: lifetime.issuedAt,
        expiresAt: lifetime.expiresAt,
        account: model.account,
        partition: model.partition,
        issuer: 'GetFederationToken',
        principal: { kind: 'FederatedUser', name: params.Name, userName: caller.userName, userId: caller.userId, userPath: model.users.get(caller.userName)?.path ?? '/' },
        ...(sessionPolicy.stored ? { sessionPolicy: sessionPolicy.stored } : {}),
        ...(tags !== undefined ? { tags } : {}),
      };
      const issued = sealed(broker.keyRing, claims);
      const federatedUserId = `${model.account}:${params.Name}`;
      audit.responseElements = {
        credentials: { accessKeyId: issued.accessKeyId, expiration: issued.expiration.toISOString() },
        federatedUser: { federatedUserId, arn },
        packedPolicySize: sessionPolicy.packedPolicySize ?? 0,
      };
      return {
        Credentials: credentialsResult(issued),
        FederatedUser: { FederatedUserId: federatedUserId, Arn: arn },
        // AWS returns 0 when no session policy was passed (LocalStack snapshot, aws-reference §1.3).
        PackedPolicySize: sessionPolicy.packedPolicySize ?? 0,
      };
    },
  });
}
