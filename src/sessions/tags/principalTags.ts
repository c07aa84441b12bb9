/** The tags of a signed caller: its role's or user's own `tags:`, with its session's tags over them. */
import type { BrokerModel } from '../../config/model.js';
import type { SessionTag } from '../../credentials/types.js';
import type { Caller } from '../../federation/identity.js';
import { effectivePrincipalTags } from './conditionKeys.js';

export function callerPrincipalTags(model: BrokerModel, caller: Caller): SessionTag[] {
  const principal = caller.session?.principal;
  let own: readonly SessionTag[] = [];
  if (principal?.kind === 'AssumedRole') {
    const role = model.roleByName(principal.roleName);
    // A role removed (or moved) keeps no tags, as it keeps no permissions.
    if (role !== undefined && role.path === principal.rolePath) own = role.tags;
  } else {
    const userName = principal?.kind === 'FederatedUser' ? principal.userName : caller.userName;
    if (userName !== undefined) own = model.users.get(userName)?.tags ?? [];
  }
  return effectivePrincipalTags(own, caller.session?.tags);
}
