/**
 * Resolving the RoleArn parameter of the AssumeRole* actions: syntax first (ValidationError
 * `<arn> is invalid`, as AWS answers), then the role itself. A role that does not exist in this
 * account is an AccessDenied exactly like a trust policy that does not allow the caller — AWS does not
 * reveal which roles exist.
 */
import { AccessDenied, ValidationError } from '../../errors.js';
import { parseRoleArn } from '../../credentials/arns.js';
import type { BrokerModel, RoleModel } from '../../config/model.js';

/** ValidationError unless `roleArn` is a role ARN; a configured role's ARN is valid by construction (no parse). */
export function checkRoleArnSyntax(roleArn: string, model?: BrokerModel): void {
  if (model?.roleByArn(roleArn) !== undefined) return;
  if (parseRoleArn(roleArn) === null) throw new ValidationError(`${roleArn} is invalid`);
}

export function findRole(model: BrokerModel, roleArn: string, action: string): RoleModel {
  const role = model.roleByArn(roleArn);
  if (role !== undefined) return role;
  checkRoleArnSyntax(roleArn);
  throw new AccessDenied(`Not authorized to perform ${action}`);
}
