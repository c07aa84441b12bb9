/**
 * The one question "give this decided session its credentials" (architecture.md). Everything local —
 * validation, trust, MFA, durations, session policy, replay — has happened when an action or the
 * browser sign-in asks; an issuer only issues:
 *
 *   - the local issuer mints a role session of this broker (sealed token, roleSession.ts);
 *   - the upstream issuer (upstream/issuer.ts) calls AssumeRole on AWS STS.
 *
 * The end of a browser sign-in belongs to the issuer too (`openConsole`): a console session of this
 * broker, or the AWS console through the AWS federation endpoint. The choice is made per role, once,
 * by `RoleIssuers` — actions and the sign-in flow never ask which kind a role is.
 */
import type { Response } from 'express';
import type { RoleModel } from '../config/model.js';
import { mintRoleSession, type IssuedRoleSession, type RoleSessionRequest, type SessionMinterDeps } from './roleSession.js';

/** What an upstream issuance adds to the audit event (never a secret). */
export interface UpstreamAuditFacts {
  readonly requestId: string;
  readonly accessKeyId: string;
  readonly assumedRoleArn: string;
}

export interface ConsoleRequest {
  /** The allow-listed destination the sign-in asked for (RelayState), if any. */
  readonly destination?: string;
  /** The roles this sign-in offered (a local console may switch among them). */
  readonly offeredRoles: readonly string[];
  /** How long the console session lasts, in seconds. */
  readonly consoleSeconds: number;
}

/** Where a browser sign-in ends. */
export interface ConsoleOpening {
  /** `LoginTo` of the ConsoleLogin audit event. */
  readonly loginTo: string;
  /** Where the browser goes next: the console, or the AWS sign-in URL (single use). */
  readonly url: string;
  /** Prepares the response that sends the browser to `url`: the console session cookie where the console is ours, cache and referrer headers. */
  start(res: Response): void;
}

/** Credentials of a decided role session, whoever issued them. */
export interface IssuedSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly assumedRoleId: string;
  readonly assumedRoleArn: string;
  /** PackedPolicySize as the issuer computed it (AWS's own for upstream roles); undefined: the local one. */
  readonly packedPolicySize?: number;
  /** The SourceIdentity the credentials carry, when the issuer set one the request did not name. */
  readonly sourceIdentity?: string;
  /** For the audit event: `upstream: { requestId, accessKeyId, assumedRoleArn }`. */
  readonly upstream?: UpstreamAuditFacts;
  /** Ends a browser sign-in with these credentials. */
  openConsole(request: ConsoleRequest): Promise<ConsoleOpening>;
}

export interface RoleIssuer {
  issue(request: RoleSessionRequest): Promise<IssuedSession>;
  /** Origins a console opening may send the browser to, beyond this broker (CSP form-action of the pages before it). */
  readonly consoleOrigins: readonly string[];
}

/** How a local console session is opened (console/localConsole.ts). */
export type LocalConsoleOpener = (session: IssuedRoleSession, request: ConsoleRequest) => Promise<ConsoleOpening>;

/** Today's minter: a role session of this broker. */
export function localIssuer(minter: () => SessionMinterDeps, openConsole: LocalConsoleOpener): RoleIssuer {
  return {
    consoleOrigins: [],
    async issue(request) {
      const session = await mintRoleSession(minter(), request);
      return {
        ...session,
        ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
        openConsole: (opening) => openConsole(session, opening),
      };
    },
  };
}

/** The issuer of each role: chosen once per configuration, by the role's kind. */
export class RoleIssuers {
  constructor(
    private readonly local: RoleIssuer,
    private readonly upstream?: RoleIssuer & { close(): void },
  ) {}

  issuerFor(role: RoleModel): RoleIssuer {
    if (role.upstream === undefined) return this.local;
    // The model refuses an upstream role without the upstream block, so this is set.
    if (this.upstream === undefined) throw new Error(`role ${role.name} is upstream, but no upstream issuer was built`);
    return this.upstream;
  }

  get consoleOrigins(): readonly string[] {
    return this.upstream?.consoleOrigins ?? [];
  }

  /** Releases the upstream client (connections) of a configuration that was replaced. */
  close(): void {
    this.upstream?.close();
  }
}
