/** Every Query-protocol action the broker serves. */
import type { Broker } from '../broker.js';
import type { ActionDefinition } from '../protocol/action.js';
import { assumeRole } from './assumeRole.js';
import { assumeRoleWithSAML } from './assumeRoleWithSAML.js';
import { assumeRoleWithWebIdentity } from './assumeRoleWithWebIdentity.js';
import { decodeAuthorizationMessage } from './decodeAuthorizationMessage.js';
import { getCallerIdentity } from './getCallerIdentity.js';
import { getFederationToken } from './getFederationToken.js';
import { getSessionToken } from './getSessionToken.js';

export function buildActions(broker: Broker): ActionDefinition[] {
  return [
    assumeRoleWithWebIdentity(broker),
    assumeRoleWithSAML(broker),
    assumeRole(broker),
    getSessionToken(broker),
    getFederationToken(broker),
    getCallerIdentity(),
    decodeAuthorizationMessage(broker),
  ];
}
