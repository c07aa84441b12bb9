/** CloudTrail `userIdentity` blocks for the callers and federated users the broker sees. */
import { isoSeconds } from '../time.js';
import type { AssertedIdentity, Caller } from '../federation/identity.js';

export function callerUserIdentity(caller: Caller): Record<string, unknown> {
  const base = { principalId: caller.userId, arn: caller.arn, accountId: caller.account, accessKeyId: caller.accessKeyId };
  const s = caller.session;
  const attributes = s
    ? { mfaAuthenticated: s.mfa !== undefined ? 'true' : 'false', creationDate: isoSeconds(s.issuedAt * 1000) }
    : undefined;
  if (caller.kind === 'User') {
    return { type: 'IAMUser', ...base, userName: caller.userName, ...(attributes ? { sessionContext: { attributes } } : {}) };
  }
  if (caller.kind === 'AssumedRole' && s?.principal.kind === 'AssumedRole') {
    const p = s.principal;
    return {
      type: 'AssumedRole',
      ...base,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: p.roleId,
          arn: `arn:${caller.partition}:iam::${caller.account}:role${p.rolePath}${p.roleName}`,
          accountId: caller.account,
          userName: p.roleName,
        },
        attributes,
        ...(s.sourceIdentity !== undefined ? { sourceIdentity: s.sourceIdentity } : {}),
      },
    };
  }
  if (caller.kind === 'FederatedUser' && s?.principal.kind === 'FederatedUser') {
    return {
      type: 'FederatedUser',
      ...base,
      sessionContext: {
        sessionIssuer: {
          type: 'IAMUser',
          principalId: s.principal.userId,
          arn: `arn:${caller.partition}:iam::${caller.account}:user${s.principal.userPath ?? '/'}${s.principal.userName}`,
          accountId: caller.account,
          userName: s.principal.userName,
        },
        attributes,
      },
    };
  }
  return { type: caller.kind, ...base };
}

/**
 * SAMLUser / WebIdentityUser, as CloudTrail writes the caller of AssumeRoleWithSAML/WithWebIdentity
 * (and of a console sign-in through them): SAML names the provider by its ARN, OIDC by its name.
 */
export function federatedUserIdentity(identity: Pick<AssertedIdentity, 'type' | 'providerArn' | 'subject'>): Record<string, unknown> {
  const { providerArn, subject } = identity;
  if (identity.type === 'saml') return { type: 'SAMLUser', principalId: `${providerArn}:${subject}`, userName: subject, identityProvider: providerArn };
  const provider = providerArn.slice(providerArn.indexOf(':oidc-provider/') + ':oidc-provider/'.length);
  return { type: 'WebIdentityUser', principalId: `${provider}:${subject}`, userName: subject, identityProvider: provider };
}
