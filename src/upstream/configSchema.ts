/**
 * Configuration keys of upstream mode (upstream.md), validated at the edge: the top-level `upstream`
 * block (how fedbroker reaches AWS) and a role's `upstream` block (the AWS role it stands for).
 */
import { z } from 'zod';
import { parseRoleArn } from '../credentials/arns.js';

const httpsOrLoopback = z.url({ protocol: /^https?$/ }).refine(
  (u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i.test(u),
  'must be https (plain http only on loopback, for tests)',
);

/** An IAM user's access key (long-term: 12-hour console sessions, no role chaining). */
const staticCredentialsSchema = z
  .object({
    accessKeyId: z.string().regex(/^AKIA[A-Z0-9]{16}$/, 'must be an IAM user access key id (AKIA followed by 16 upper-case letters or digits)'),
    secretAccessKey: z.string().min(16, 'must be at least 16 characters').max(128),
  })
  .strict();

export const upstreamSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1').default('us-east-1'),
    stsEndpoint: httpsOrLoopback.nullable().default(null),
    federationEndpoint: httpsOrLoopback.default('https://signin.aws.amazon.com/federation'),
    consoleUrl: httpsOrLoopback.default('https://console.aws.amazon.com/'),
    credentials: z.union([z.literal('default'), staticCredentialsSchema]).default('default'),
    timeoutMs: z.number().int().min(500).max(60_000).default(5000),
  })
  .strict();

const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of letters, digits and + = , . @ : / -');

export const upstreamRoleSchema = z
  .object({
    roleArn: z.string().refine((arn) => parseRoleArn(arn) !== null, 'must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME'),
    externalId: externalId.optional(),
    sessionTags: z.boolean().default(true),
    sourceIdentity: z.boolean().default(true),
  })
  .strict();

/** AWS's own policies apply to an upstream role: local permission policies would decide nothing. */
export function refuseLocalPolicies(
  role: { upstream?: unknown; managedPolicies: readonly unknown[]; inlinePolicies: readonly unknown[]; permissionsBoundary: unknown },
  ctx: z.RefinementCtx,
): void {
  if (role.upstream === undefined) return;
  const message = 'an upstream role has no local permission policies: its AWS role’s own policies apply';
  if (role.managedPolicies.length > 0) ctx.addIssue({ code: 'custom', path: ['managedPolicies'], message });
  if (role.inlinePolicies.length > 0) ctx.addIssue({ code: 'custom', path: ['inlinePolicies'], message });
  if (role.permissionsBoundary !== null) ctx.addIssue({ code: 'custom', path: ['permissionsBoundary'], message });
}

export type RawUpstream = z.infer<typeof upstreamSchema>;
export type RawUpstreamRole = z.infer<typeof upstreamRoleSchema>;
