/**
 * The caches of `fedbroker login`, where the AWS CLI keeps its own: `~/.aws/sso/cache/`, files 0600 in
 * a 0700 folder, written atomically (temporary file + rename) so a concurrent reader never sees half
 * a file.
 *
 * - The SSO token, in the AWS CLI's format and under its name, sha1 of the start URL: `{startUrl,
 *   region, accessToken, expiresAt, clientId, clientSecret, registrationExpiresAt, refreshToken}`.
 * - The role credentials of one account and role (fedbroker's own file beside it), used until
 *   5 minutes before they expire.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomId } from '../../sso/codes.js';

export interface TokenCache {
  readonly startUrl: string;
  readonly region: string;
  readonly accessToken?: string;
  /** ISO 8601, seconds, UTC. */
  readonly expiresAt?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly registrationExpiresAt?: string;
  readonly refreshToken?: string;
}

export interface CredentialsCache {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601. */
  readonly expiration: string;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** AWS's ISO 8601 form: seconds, `Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class LoginCache {
  readonly dir: string;

  constructor(
    readonly startUrl: string,
    home = homedir(),
  ) {
    this.dir = join(home, '.aws', 'sso', 'cache');
  }

  /** The AWS CLI's file for a legacy profile with this start URL. */
  get tokenFile(): string {
    return join(this.dir, `${sha1(this.startUrl)}.json`);
  }

  get lockFile(): string {
    return join(this.dir, `${sha1(this.startUrl)}.fedbroker.lock`);
  }

  credentialsFile(account: string, role: string): string {
    return join(this.dir, `${sha1(`fedbroker-credentials|${this.startUrl}|${account}|${role}`)}.json`);
  }

  readToken(): TokenCache | undefined {
    const t = readJson(this.tokenFile) as TokenCache | undefined;
    return t !== undefined && t.startUrl === this.startUrl ? t : undefined;
  }

  writeToken(token: TokenCache): void {
    this.write(this.tokenFile, token);
  }

  readCredentials(account: string, role: string): CredentialsCache | undefined {
    return readJson(this.credentialsFile(account, role)) as CredentialsCache | undefined;
  }

  writeCredentials(account: string, role: string, credentials: CredentialsCache): void {
    this.write(this.credentialsFile(account, role), credentials);
  }

  private write(file: string, value: object): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomId(6)}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
