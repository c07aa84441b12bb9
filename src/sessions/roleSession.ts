/**
 * Minting a role session — the common end of AssumeRoleWithWebIdentity, AssumeRoleWithSAML and
 * AssumeRole: fresh ASIA… key and secret, the claims sealed into the session token, and the
 * AssumedRoleUser (AROA…:session, arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION).
 */
import { assumedRoleArn } from '../credentials/arns.js';
import { newAccessKeyId, newSecretAccessKey } from '../credentials/ids.js';
import type { Lifetime } from '../credentials/durations.js';
import { sealSessionToken } from '../credentials/sessionToken.js';
import type { FederatedIdentity, SessionClaims, SessionIssuer, SessionTags } from '../credentials/types.js';
import type { RoleModel } from '../config/model.js';
import type { KeyRing } from '../keys/keyRing.js';
import type { ContextValue } from '../policy/types.js';
import type { EntityIds } from './roleIds.js';

export interface RoleSessionRequest {
  readonly issuer: SessionIssuer;
  readonly role: RoleModel;
  readonly sessionName: string;
  readonly lifetime: Lifetime;
  readonly federated?: FederatedIdentity;
  readonly sourceIdentity?: string;
  /**
   * Who the session is for — the NameID, `sub` or IAM user name — when known: an upstream issuer's
   * SourceIdentity when the request names none (upstream.md). A local session does not carry it.
   */
  readonly person?: string;
  readonly mfa?: SessionClaims['mfa'];
  readonly chained?: boolean;
  /** A hard end for everything from these credentials (SessionClaims.notAfter). */
  readonly notAfter?: number;
  readonly sessionPolicy?: SessionClaims['sessionPolicy'];
  /** Condition keys that stay with the session. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /**
   * The session's tags, final: checked, chained (incoming transitive tags included) and allowed by
   * the role — what an issuer seals, or forwards as `Tags` / `TransitiveTagKeys`.
   */
  readonly tags?: SessionTags;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly claims: SessionClaims;
}

export interface IssuedRoleSession extends IssuedCredentials {
  readonly assumedRoleId: string;
  readonly assumedRoleArn: string;
}

export interface SessionMinterDeps {
  readonly keyRing: KeyRing;
  readonly ids: EntityIds;
  readonly account: string;
  readonly partition: string;
}

export async function mintRoleSession(deps: SessionMinterDeps, request: RoleSessionRequest): Promise<IssuedRoleSession> {
  // Resolved at configuration load: the cached id, without a promise per request.
  const roleId = deps.ids.peek('role', request.role.arn) ?? (await deps.ids.roleId(request.role.arn));
  // Optional members set one by one rather than spread in: one object shape, no spread per member.
  const claims: Mutable<SessionClaims> = {
    accessKeyId: newAccessKeyId(),
    secretAccessKey: newSecretAccessKey(),
    issuedAt: request.lifetime.issuedAt,
    expiresAt: request.lifetime.expiresAt,
    account: deps.account,
    partition: deps.partition,
    issuer: request.issuer,
    principal: { kind: 'AssumedRole', roleName: request.role.name, rolePath: request.role.path, roleId, sessionName: request.sessionName },
  };
  if (request.federated) claims.federated = request.federated;
  if (request.sourceIdentity !== undefined) claims.sourceIdentity = request.sourceIdentity;
  if (request.mfa) claims.mfa = request.mfa;
  if (request.chained) claims.chained = true;
  if (request.notAfter !== undefined) claims.notAfter = request.notAfter;
  if (request.sessionPolicy) claims.sessionPolicy = request.sessionPolicy;
  if (request.tags && request.tags.tags.length > 0) claims.tags = request.tags;
  if (request.context && Object.keys(request.context).length > 0) claims.context = request.context;
  const issued = sealed(deps.keyRing, claims);
  return {
    accessKeyId: issued.accessKeyId,
    secretAccessKey: issued.secretAccessKey,
    sessionToken: issued.sessionToken,
    expiration: issued.expiration,
    claims: issued.claims,
    assumedRoleId: `${roleId}:${request.sessionName}`,
    assumedRoleArn: assumedRoleArn(deps.partition, deps.account, request.role.name, request.sessionName),
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function sealed(keyRing: KeyRing, claims: SessionClaims): IssuedCredentials {
  return {
    accessKeyId: claims.accessKeyId,
    secretAccessKey: claims.secretAccessKey,
    sessionToken: sealSessionToken(keyRing, claims),
    expiration: new Date(claims.expiresAt * 1000),
    claims,
  };
}

/** The `Credentials` element of every STS result. */
export function credentialsResult(c: Pick<IssuedCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>) {
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration };
}
