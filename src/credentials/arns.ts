/**
 * ARN builders and parsers (guide G16442–G16553): `arn:partition:service:region:account:resource`.
 * IAM and STS ARNs have an empty region. Paths are `/` or `/a/b/` (start and end with a slash).
 * Builders trust their inputs (validated at the edges); parsers return null for anything malformed.
 */

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  /** 12 digits, `aws` (AWS managed policies), or empty (S3 buckets…). */
  readonly account: string;
  /** Everything after the fifth colon, colons included. */
  readonly resource: string;
}

export interface ParsedRoleArn {
  readonly partition: string;
  readonly account: string;
  /** `/` or `/team/`. */
  readonly path: string;
  readonly name: string;
}

function withPath(path: string): string {
  return path === '' ? '/' : path;
}

export function roleArn(partition: string, account: string, path: string, name: string): string {
  return `arn:${partition}:iam::${account}:role${withPath(path)}${name}`;
}

/** `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION`: never the role's path, as AWS. */
export function assumedRoleArn(partition: string, account: string, roleName: string, sessionName: string): string {
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

export function userArn(partition: string, account: string, path: string, name: string): string {
  return `arn:${partition}:iam::${account}:user${withPath(path)}${name}`;
}

export function federatedUserArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:sts::${account}:federated-user/${name}`;
}

export function samlProviderArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:saml-provider/${name}`;
}

export function oidcProviderArn(partition: string, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:oidc-provider/${name}`;
}

/** Virtual MFA device serial: `arn:…:iam::ACCOUNT:mfa/NAME` or `…:mfa/path/NAME`. */
export function mfaArn(partition: string, account: string, path: string, name: string): string {
  return `arn:${partition}:iam::${account}:mfa${withPath(path)}${name}`;
}

export function accountRootArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:root`;
}

/** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`… */
const PARTITION = /^aws(?:-[a-z0-9]+)*$/;
const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const REGION = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
const ACCOUNT = /^(?:\d{12}|aws)?$/;
const MAX_ARN_LENGTH = 2048;

export function parseArn(text: string): ParsedArn | null {
  if (text.length > MAX_ARN_LENGTH || !text.startsWith('arn:')) return null;
  const parts = text.split(':');
  if (parts.length < 6) return null;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!PARTITION.test(partition) || !SERVICE.test(service) || !REGION.test(region) || !ACCOUNT.test(account)) return null;
  if (resource === '' || /[\s]/.test(resource)) return null;
  return { partition, service, region, account, resource };
}

/** Role names: 1–64 of [\w+=,.@-] (IAM). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Paths: `/`, or `/…/` of printable ASCII, at most 512 characters (IAM). */
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` → its parts; null for anything else (including `:root`). */
export function parseRoleArn(text: string): ParsedRoleArn | null {
  const arn = parseArn(text);
  if (arn === null || arn.service !== 'iam' || arn.region !== '' || !/^\d{12}$/.test(arn.account)) return null;
  if (!arn.resource.startsWith('role/')) return null;
  const rest = arn.resource.slice('role'.length); // "/path/Name"
  const slash = rest.lastIndexOf('/');
  const path = rest.slice(0, slash + 1);
  const name = rest.slice(slash + 1);
  if (path.length > 512 || !PATH.test(path) || !ROLE_NAME.test(name)) return null;
  return { partition: arn.partition, account: arn.account, path, name };
}

/** SAML provider names: 1–128 of [\w.-] (IAM CreateSAMLProvider); no comma, so Role attribute values split unambiguously. */
export const SAML_PROVIDER_NAME = /^[\w.-]{1,128}$/;

/** `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME` → its parts; null for anything else. */
export function parseSamlProviderArn(text: string): { partition: string; account: string; name: string } | null {
  const arn = parseArn(text);
  if (arn === null || arn.service !== 'iam' || arn.region !== '' || !/^\d{12}$/.test(arn.account)) return null;
  if (!arn.resource.startsWith('saml-provider/')) return null;
  const name = arn.resource.slice('saml-provider/'.length);
  return SAML_PROVIDER_NAME.test(name) ? { partition: arn.partition, account: arn.account, name } : null;
}
