/**
 * The upstream issuer (upstream.md "What happens", step 2): a session fedbroker has decided is issued
 * by AWS STS — one AssumeRole with fedbroker's own AWS credentials:
 *
 *   RoleArn = upstream.roleArn, RoleSessionName = the local session name, DurationSeconds = the local
 *   lifetime, Policy = the caller's inline session policy, ExternalId = upstream.externalId,
 *   SourceIdentity = the person (upstream.sourceIdentity), Tags/TransitiveTagKeys = the session's
 *   tags (upstream.sessionTags)
 *
 * and a browser sign-in ends in the AWS console through the AWS federation endpoint.
 */
import { AccessDenied, ServiceUnavailable, ValidationError } from '../errors.js';
import { isValidSourceIdentity } from '../credentials/sourceIdentity.js';
import type { RoleModel } from '../config/model.js';
import type { IssuedSession, RoleIssuer } from '../sessions/issuer.js';
import type { RoleSessionRequest } from '../sessions/roleSession.js';
import { awsConsoleUrl } from './federation.js';
import type { UpstreamSts } from './stsClient.js';
import type { UpstreamSettings } from './settings.js';

/** AWS issues role credentials for at least 15 minutes. */
const MIN_DURATION = 900;

export interface UpstreamIssuerDeps {
  readonly sts: UpstreamSts;
  /** This broker's public URL: AWS sends people whose console session ended back to its sign-in page. */
  readonly publicUrl: () => string;
  /** Epoch ms until which `fedbroker revoke role` stopped the role, if it did. */
  readonly stoppedUntil: (roleArn: string) => number | undefined;
}

export function upstreamIssuer(deps: UpstreamIssuerDeps): RoleIssuer & { close(): void } {
  const settings = deps.sts.settings;
  return {
    consoleOrigins: consoleOrigins(settings),
    close: () => deps.sts.close(),
    async issue(request) {
      const role = request.role;
      const upstream = role.upstream;
      if (upstream === undefined) throw new Error(`role ${role.name} is not an upstream role`);
      const now = Date.now();
      const stopped = deps.stoppedUntil(role.arn);
      if (stopped !== undefined && now < stopped) {
        throw new AccessDenied(`Role ${role.arn} was revoked by an operator: fedbroker issues no credentials for it before ${new Date(stopped).toISOString()}`);
      }
      if ((request.sessionPolicy?.managed ?? []).length > 0) {
        throw new ValidationError(`PolicyArns cannot name fedbroker's policies for ${role.arn}: AWS applies only its own policies to an upstream role; pass an inline Policy instead`);
      }
      const duration = request.lifetime.expiresAt - request.lifetime.issuedAt;
      if (duration < MIN_DURATION) {
        throw new ValidationError(`The session may last only ${duration} seconds (the identity provider's limits); AWS STS issues credentials of ${role.arn} for at least ${MIN_DURATION} seconds`);
      }
      const sourceIdentity = upstream.sourceIdentity ? sourceIdentityOf(request, role) : undefined;
      const tags = upstream.sessionTags && request.tags !== undefined && request.tags.tags.length > 0 ? request.tags : undefined;

      const { output, requestId } = await deps.sts.assumeRole({
        RoleArn: upstream.roleArn,
        RoleSessionName: request.sessionName,
        DurationSeconds: duration,
        ...(request.sessionPolicy?.inline !== undefined ? { Policy: request.sessionPolicy.inline } : {}),
        ...(upstream.externalId !== undefined ? { ExternalId: upstream.externalId } : {}),
        ...(sourceIdentity !== undefined ? { SourceIdentity: sourceIdentity } : {}),
        ...(tags !== undefined
          ? {
              Tags: tags.tags.map((t) => ({ Key: t.key, Value: t.value })),
              ...(tags.transitiveTagKeys.length > 0 ? { TransitiveTagKeys: [...tags.transitiveTagKeys] } : {}),
            }
          : {}),
      });
      const c = output.Credentials;
      const user = output.AssumedRoleUser;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration || !user?.Arn || !user.AssumedRoleId) {
        throw new ServiceUnavailable(`The upstream AWS STS answered without credentials for ${role.arn}. Try again later.`);
      }
      const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      const issued: IssuedSession = {
        ...credentials,
        expiration: c.Expiration,
        assumedRoleId: user.AssumedRoleId,
        assumedRoleArn: user.Arn,
        ...(output.PackedPolicySize !== undefined ? { packedPolicySize: output.PackedPolicySize } : {}),
        ...((output.SourceIdentity ?? sourceIdentity) !== undefined ? { sourceIdentity: output.SourceIdentity ?? sourceIdentity } : {}),
        upstream: { requestId, accessKeyId: c.AccessKeyId, assumedRoleArn: user.Arn },
        async openConsole(opening) {
          const own = await deps.sts.ownCredentials().catch(() => {
            throw new ServiceUnavailable('fedbroker has no AWS credentials for the upstream: the operator must fix upstream.credentials.');
          });
          const publicUrl = deps.publicUrl();
          // A destination on fedbroker's own console means "the console": here, AWS's.
          const destination = opening.destination !== undefined && !opening.destination.startsWith(`${publicUrl}/console`) ? opening.destination : settings.consoleUrl;
          const url = await awsConsoleUrl({
            federationEndpoint: settings.federationEndpoint,
            credentials,
            // AWS gives no SessionDuration to role-chained credentials (fedbroker running on a role).
            ...(own.sessionToken === undefined ? { sessionDuration: opening.consoleSeconds } : {}),
            destination,
            issuer: `${publicUrl}/console`,
            timeoutMs: settings.timeoutMs,
            roleArn: role.arn,
          });
          return {
            loginTo: destination,
            url,
            start(res) {
              // The URL holds a single-use sign-in token: never cached, never sent on as a referrer.
              res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
            },
          };
        },
      };
      return issued;
    },
  };
}

/**
 * SourceIdentity = the person (upstream.md): the one the request carries (SAML SourceIdentity
 * attribute, the OIDC source_identity claim, AssumeRole's parameter or the calling session's), else
 * who signed in (NameID, `sub`, the IAM user's name). AWS's rules apply; a person whose name cannot be
 * one is refused rather than renamed (a rewritten name could be somebody else's).
 */
function sourceIdentityOf(request: RoleSessionRequest, role: RoleModel): string | undefined {
  const person = request.sourceIdentity ?? request.person;
  if (person === undefined) return undefined;
  if (!isValidSourceIdentity(person)) {
    throw new ValidationError(
      `The person's name cannot be the SourceIdentity of ${role.arn} (AWS allows 2-64 characters of letters, digits and + = , . @ -): ` +
        'have the identity provider send a SourceIdentity, or set upstream.sourceIdentity: false for this role',
    );
  }
  return person;
}

/** CSP form-action sources: the federation endpoint and the console, with their AWS sub-domains (regional redirects). */
function consoleOrigins(settings: UpstreamSettings): string[] {
  const out = new Set<string>();
  for (const target of [settings.federationEndpoint, settings.consoleUrl]) {
    const url = new URL(target);
    out.add(url.origin);
    if (url.protocol === 'https:' && /[a-z]/i.test(url.hostname) && url.hostname.split('.').length >= 3) out.add(`https://*.${url.hostname}`);
  }
  return [...out];
}
