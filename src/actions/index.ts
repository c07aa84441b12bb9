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
import { createVirtualMfaDevice } from './iam/createVirtualMfaDevice.js';
import { deactivateMfaDevice } from './iam/deactivateMfaDevice.js';
import { deleteVirtualMfaDevice } from './iam/deleteVirtualMfaDevice.js';
import { enableMfaDevice } from './iam/enableMfaDevice.js';
import { listMfaDevices } from './iam/listMfaDevices.js';
import { listVirtualMfaDevices } from './iam/listVirtualMfaDevices.js';
import { resyncMfaDevice } from './iam/resyncMfaDevice.js';

export function buildActions(broker: Broker): ActionDefinition[] {
  return [
    assumeRoleWithWebIdentity(broker),
    assumeRoleWithSAML(broker),
    assumeRole(broker),
    getSessionToken(broker),
    getFederationToken(broker),
    getCallerIdentity(),
    decodeAuthorizationMessage(broker),
    createVirtualMfaDevice(broker),
    enableMfaDevice(broker),
    resyncMfaDevice(broker),
    deactivateMfaDevice(broker),
    deleteVirtualMfaDevice(broker),
    listMfaDevices(broker),
    listVirtualMfaDevices(broker),
  ];
}
