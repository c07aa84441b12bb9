/**
 * AssumeRole (guide G9361–G9443): an IAM user, GetSessionToken credentials, or a role session (role
 * chaining) takes a role. Both halves must agree: the caller's own policies allow sts:AssumeRole on
 * the role (unless the trust policy names the caller itself) and the role's trust policy allows the
 * caller (G8922). Role chaining is capped at one hour and never outlives the calling session;
 * MFA (aws:MultiFactorAuthAge), SourceIdentity and transitive session tags carry through the chain.
 * Session tags (Tags, TransitiveTagKeys) need sts:TagSession from both halves as well.
 */
import { AccessDenied } from '../errors.js';
import type { Caller } from '../federation/identity.js';
import { chainedRoleSessionLifetime, roleSessionLifetime } from '../credentials/durations.js';
import type { Broker } from '../broker.js';
import { authorize, explain } from '../policy/index.js';
import { defineAction } from '../protocol/action.js';
import { ASSUME_ROLE_PARAMS, EXTERNAL_ID_PARAM, ROLE_SESSION_NAME_PARAM, SOURCE_IDENTITY_PARAM, TAGS_PARAM, TRANSITIVE_TAG_KEYS_PARAM } from '../protocol/params.js';
import { credentialsResult } from '../sessions/roleSession.js';
import { resolveSessionPolicy } from '../sessions/sessionPolicy.js';
import { chainSessionTags, requestedSessionTags, requestTagKeys, requireAllowedTagKeys, roleResourceTagKeys, tagAuditParameters } from '../sessions/tags/index.js';
import { callerLayers, callerRequest } from './common/callerPolicy.js';
import { checkRoleArnSyntax } from './common/roles.js';
import { refuseFederatedUser, requireCaller } from './common/signedCaller.js';
import { withAssumedMfa } from '../roles/federatedTrust.js';
import { MFA_REQUIRED_MESSAGE, deniedWith, describeRequest } from './common/trust.js';
import { mfaOwnerOf, verifiedMfa } from './common/userMfa.js';
import { MFA_METHOD_KEY } from '../credentials/mfaMethod.js';

const ACTION = 'sts:AssumeRole';

export function assumeRole(broker: Broker) {
  return defineAction({
    name: 'AssumeRole',
    service: 'sts',
    auth: 'sigv4',
    audit: 'always',
    params: {
      ...ASSUME_ROLE_PARAMS,
      RoleSessionName: { ...ROLE_SESSION_NAME_PARAM, required: true },
      ExternalId: EXTERNAL_ID_PARAM,
      SourceIdentity: SOURCE_IDENTITY_PARAM,
      Tags: TAGS_PARAM,
      TransitiveTagKeys: TRANSITIVE_TAG_KEYS_PARAM,
    },
    async handle({ params, caller: signed, request, audit }) {
      const caller = requireCaller(signed);
      refuseFederatedUser(caller, 'AssumeRole');
      const model = broker.model;
      checkRoleArnSyntax(params.RoleArn, model);
      audit.requestParameters = {
        roleArn: params.RoleArn,
        roleSessionName: params.RoleSessionName,
        ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
        ...(params.ExternalId !== undefined ? { externalId: params.ExternalId } : {}),
        ...(params.SerialNumber !== undefined ? { serialNumber: params.SerialNumber } : {}),
        ...(params.SourceIdentity !== undefined ? { sourceIdentity: params.SourceIdentity } : {}),
        ...tagAuditParameters('tags', { tags: params.Tags, transitiveTagKeys: params.TransitiveTagKeys }),
      };

      const source = caller.session;
      // Tags: the request's own (checked), then the calling session's transitive ones in front of them.
      const requested = requestedSessionTags(params.Tags, params.TransitiveTagKeys);
      const chainedTags = chainSessionTags(source?.tags, requested);
      const tags = chainedTags.tags;
      Object.assign(audit.requestParameters, tagAuditParameters('tags', undefined, chainedTags.incoming));
      // SourceIdentity, once set, persists across chained sessions and cannot be changed.
      if (source?.sourceIdentity !== undefined && params.SourceIdentity !== undefined && params.SourceIdentity !== source.sourceIdentity) {
        throw new AccessDenied('SourceIdentity cannot be changed once it is set: the calling session already has one');
      }
      const sourceIdentity = source?.sourceIdentity ?? params.SourceIdentity;
      const nowSeconds = Math.floor(request.receivedAt / 1000);
      const role = model.roleByArn(params.RoleArn);
      const authzWith = (fresh: { authenticatedAt: number } | undefined) =>
        callerRequest(broker, caller, request, ACTION, params.RoleArn, {
          ...requestTagKeys(requested),
          ...(role !== undefined ? roleResourceTagKeys(role.tags) : {}),
          'sts:externalid': params.ExternalId,
          'sts:rolesessionname': params.RoleSessionName,
          'sts:sourceidentity': sourceIdentity,
          'aws:sourceidentity': sourceIdentity,
          ...(fresh ? { 'aws:multifactorauthpresent': 'true', 'aws:multifactorauthage': String(Math.max(0, nowSeconds - fresh.authenticatedAt)), [MFA_METHOD_KEY]: 'totp' } : {}),
        });
      const denied = `User: ${caller.arn} is not authorized to perform: ${ACTION} on resource: ${params.RoleArn}`;

      // Role-independent parameters first; then what depends on the role, once the caller's policies
      // and the role's trust policy could allow the call (with MFA): a missing role and a refusing one
      // get the same answer (no role-existence oracle). All before the MFA code is spent (a code works
      // once): a retry with a corrected DurationSeconds or Policy must still be able to use it.
      const sessionPolicy = resolveSessionPolicy(model, params.Policy, params.PolicyArns, tags);
      const identityLayers = callerLayers(broker, caller);
      if (role === undefined) {
        const authz = authzWith(undefined);
        throw deniedWith(denied, () => ({ request: describeRequest(authz), policies: explain(identityLayers, authz), role: 'no role has this ARN' }));
      }
      const layers = { ...identityLayers, resource: role.trustPolicy };
      const optimistic = authzWith(undefined);
      if (authorize(layers, { ...optimistic, context: withAssumedMfa(optimistic.context) }).decision !== 'Allow') {
        throw deniedWith(denied, () => ({ request: describeRequest(optimistic), policies: explain(layers, optimistic) }));
      }

      const chained = caller.kind === 'AssumedRole';
      const notAfter = source?.expiresAt;
      const lifetimeOptions = { nowMs: request.receivedAt, ...(notAfter !== undefined ? { notAfter } : {}) };
      const lifetime = chained
        ? chainedRoleSessionLifetime(params.DurationSeconds, role, lifetimeOptions)
        : roleSessionLifetime(params.DurationSeconds, role, lifetimeOptions);

      const fresh = await verifiedMfa(broker, mfaOwnerOf(caller), params.SerialNumber, params.TokenCode, request);
      const mfa = fresh ?? source?.mfa;
      const authz = authzWith(fresh);
      const decision = authorize(layers, authz);
      if (decision.decision !== 'Allow') {
        // The optimistic check passed: only MFA can be missing when nothing denied explicitly.
        const needsMfa = mfa === undefined && decision.decision === 'ImplicitDeny';
        throw deniedWith(needsMfa ? `${denied}: ${role.name} ${MFA_REQUIRED_MESSAGE}` : denied, () => ({ request: describeRequest(authz), policies: explain(layers, authz) }));
      }

      // Setting a source identity, and passing tags (incoming transitive ones included), are actions of their own.
      const alsoNeeded = [
        ...(params.SourceIdentity !== undefined && source?.sourceIdentity === undefined ? ['sts:SetSourceIdentity'] : []),
        ...(tags !== undefined ? ['sts:TagSession'] : []),
      ];
      for (const action of alsoNeeded) {
        const also = { ...authz, action };
        if (authorize(layers, also).decision !== 'Allow') {
          throw deniedWith(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${role.arn}`, () => ({
            request: describeRequest(also),
            policies: explain(layers, also),
          }));
        }
      }
      requireAllowedTagKeys(role, tags);

      const session = await broker.issuerFor(role).issue({
        issuer: 'AssumeRole',
        role,
        sessionName: params.RoleSessionName,
        lifetime,
        ...(source?.federated ? { federated: source.federated } : {}),
        ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
        ...(personOf(caller) !== undefined ? { person: personOf(caller) } : {}),
        ...(mfa ? { mfa } : {}),
        ...(chained || source !== undefined ? { chained: true } : {}),
        ...(sessionPolicy.stored ? { sessionPolicy: sessionPolicy.stored } : {}),
        ...(source?.context ? { context: source.context } : {}),
        ...(tags !== undefined ? { tags } : {}),
      });
      const packedPolicySize = session.packedPolicySize ?? sessionPolicy.packedPolicySize;

      audit.resources = [{ ARN: role.arn, accountId: role.account, type: 'AWS::IAM::Role' }];
      audit.upstream = session.upstream;
      audit.responseElements = {
        credentials: { accessKeyId: session.accessKeyId, expiration: session.expiration.toISOString() },
        assumedRoleUser: { assumedRoleId: session.assumedRoleId, arn: session.assumedRoleArn },
        ...(packedPolicySize !== undefined ? { packedPolicySize } : {}),
        ...(session.sourceIdentity !== undefined ? { sourceIdentity: session.sourceIdentity } : {}),
      };
      return {
        Credentials: credentialsResult(session),
        AssumedRoleUser: { AssumedRoleId: session.assumedRoleId, Arn: session.assumedRoleArn },
        PackedPolicySize: packedPolicySize,
        SourceIdentity: session.sourceIdentity,
      };
    },
  });
}

/** Who the session is for: the federated subject behind a role session, else the IAM user (upstream SourceIdentity). */
function personOf(caller: Caller): string | undefined {
  return caller.session?.federated?.subject ?? caller.userName;
}
