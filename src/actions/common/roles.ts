/**
 * Resolving the RoleArn parameter of the AssumeRole* actions: syntax first (ValidationError
 * `<arn> is invalid`, as AWS answers). A role that does not exist in this account is refused exactly
 * like a trust policy that does not allow the caller (common/trust.ts) — AWS does not reveal which
 * roles exist.
 */
import { ValidationError } from '../../errors.js';
import { parseRoleArn } from '../../credentials/arns.js';
import type { BrokerModel } from '../../config/model.js';

/** ValidationError unless `roleArn` is a role ARN; a configured role's ARN is valid by construction (no parse). */
export function checkRoleArnSyntax(roleArn: string, model?: BrokerModel): void {
  if (model?.roleByArn(roleArn) !== undefined) return;
  if (parseRoleArn(roleArn) === null) throw new ValidationError(`${roleArn} is invalid`);
}
