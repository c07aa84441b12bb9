/**
 * The actions of the services this broker answers for, as IAM names them: every STS action (those
 * the broker serves and those that only exist as permissions, such as sts:TagSession), the IAM MFA
 * device actions, and the broker's own. A policy naming an action of one of these services that is
 * not here names nothing.
 */
export const KNOWN_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  sts: [
    'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot', 'DecodeAuthorizationMessage',
    'GetAccessKeyInfo', 'GetCallerIdentity', 'GetDelegatedAccessToken', 'GetFederationToken', 'GetServiceBearerToken',
    'GetSessionToken', 'GetWebIdentityToken', 'SetContext', 'SetSourceIdentity', 'TagSession',
  ],
  iam: [
    'CreateVirtualMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'EnableMFADevice', 'GetMFADevice',
    'ListMFADevices', 'ListMFADeviceTags', 'ListVirtualMFADevices', 'ResyncMFADevice', 'TagMFADevice', 'UntagMFADevice',
  ],
  fedbroker: ['Authorize'],
};

/**
 * Services whose every action is listed above. IAM is not: only its MFA actions are the broker's, so an
 * unknown iam: action is only reported when it is a near miss of one of them.
 */
export const COMPLETE_SERVICES: ReadonlySet<string> = new Set(['sts', 'fedbroker']);

export const qualified = (service: string): string[] => (KNOWN_ACTIONS[service] ?? []).map((a) => `${service}:${a}`);
