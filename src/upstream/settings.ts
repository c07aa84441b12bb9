/**
 * The resolved upstream part of the model: the top-level `upstream` block and each upstream role's
 * settings, with the checks check-config makes (an upstream role needs the block; its ARN's partition
 * must be the federation endpoint's when that endpoint is AWS's own).
 */
import type { ConfigIssue } from '../config/configError.js';
import { parseRoleArn } from '../credentials/arns.js';
import type { RawUpstream, RawUpstreamRole } from './configSchema.js';

export type UpstreamSettings = RawUpstream;

export interface UpstreamRoleSettings {
  /** The AWS role: also the role's ARN everywhere in fedbroker. */
  readonly roleArn: string;
  /** Its account (12 digits) and partition. */
  readonly account: string;
  readonly partition: string;
  readonly externalId?: string;
  readonly sessionTags: boolean;
  readonly sourceIdentity: boolean;
}

/** AWS's sign-in hosts per partition: a role of another partition cannot be opened there. */
const SIGNIN_PARTITIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(^|\.)signin\.aws\.amazon\.com$/i, 'aws'],
  [/(^|\.)signin\.amazonaws\.cn$/i, 'aws-cn'],
  [/(^|\.)signin\.amazonaws-us-gov\.com$/i, 'aws-us-gov'],
];

/** The partition of an AWS federation endpoint; undefined for any other server (a VPC proxy, tests). */
export function federationPartition(federationEndpoint: string): string | undefined {
  const host = new URL(federationEndpoint).hostname;
  return SIGNIN_PARTITIONS.find(([pattern]) => pattern.test(host))?.[1];
}

export function upstreamRoleSettings(
  raw: RawUpstreamRole,
  upstream: UpstreamSettings | undefined,
  path: string,
  issues: ConfigIssue[],
): UpstreamRoleSettings | undefined {
  const arn = parseRoleArn(raw.roleArn);
  if (arn === null) return undefined; // refused by the schema already
  if (upstream === undefined) {
    issues.push({ path: `${path}.upstream`, message: 'an upstream role needs the top-level upstream block (how fedbroker reaches AWS)' });
    return undefined;
  }
  const partition = federationPartition(upstream.federationEndpoint);
  if (partition !== undefined && partition !== arn.partition) {
    issues.push({
      path: `${path}.upstream.roleArn`,
      message: `is in partition ${arn.partition}, but upstream.federationEndpoint ${upstream.federationEndpoint} signs in to partition ${partition}`,
    });
    return undefined;
  }
  return {
    roleArn: raw.roleArn,
    account: arn.account,
    partition: arn.partition,
    ...(raw.externalId !== undefined ? { externalId: raw.externalId } : {}),
    sessionTags: raw.sessionTags,
    sourceIdentity: raw.sourceIdentity,
  };
}
