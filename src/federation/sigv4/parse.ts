/**
 * Reading a SigV4 signature off a request, header form or presigned query form, without any secret.
 * Malformed signatures get IncompleteSignature with AWS-like messages; a request that carries no
 * signature at all gives null (the caller answers MissingAuthenticationToken).
 */
import { IncompleteSignature, quoteInput } from '../../errors.js';
import { parseAmzDate } from './amzDate.js';

/** The parts of an HTTP request a signature covers. Header names may be in any case. */
export interface SigV4Request {
  readonly method: string;
  /** The request path exactly as on the wire (still percent-encoded), without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The headers as received, name/value alternating (node's `rawHeaders`), when available: node joins
   * a repeated header with ", " in `headers`, SigV4 signs the values joined with ",".
   */
  readonly rawHeaders?: readonly string[];
  /** The raw body (the form body of STS/IAM query requests is part of the payload hash). */
  readonly body: Buffer;
}

/** The credential scope's service: `sts` or `iam` for calls to the broker; any for requests forwarded to POST /authorize. */
export type SigV4Service = string;

export interface ParseOptions {
  /**
   * Accept any service in the credential scope (a request the subject signed for another service, e.g.
   * `s3`, forwarded to POST /authorize); default: only `sts` and `iam`.
   */
  readonly anyService?: boolean;
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9.-]{0,62}$/;

export interface ParsedSigV4 {
  readonly form: 'header' | 'query';
  readonly accessKeyId: string;
  /** Credential scope: YYYYMMDD, region, service. */
  readonly scopeDate: string;
  readonly region: string;
  readonly service: SigV4Service;
  /** Lower-case header names in the order given (the canonical request uses them in that order). */
  readonly signedHeaders: readonly string[];
  /** As sent: 64 hex digits when well formed. */
  readonly signature: string;
  /** X-Amz-Date as sent, and as epoch ms. */
  readonly amzDate: string;
  readonly signedAt: number;
  /** Presigned form only: X-Amz-Expires in seconds (1..604800). */
  readonly expiresSeconds?: number;
  /** X-Amz-Security-Token (header or query parameter), when present. */
  readonly securityToken?: string;
  readonly request: SigV4Request;
  /** The request headers with lower-case names; repeated headers joined with ','. */
  readonly headers: ReadonlyMap<string, string>;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const REGION = /^[A-Za-z0-9-]{1,64}$/;
const SCOPE_DATE = /^\d{8}$/;
const QUERY_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'] as const;

/** Parse the SigV4 signature of `request`; null when it carries none. Throws IncompleteSignature. */
export function parseSigV4(request: SigV4Request, options: ParseOptions = {}): ParsedSigV4 | null {
  const headers = request.rawHeaders !== undefined ? lowerCaseRawHeaders(request.rawHeaders) : lowerCaseHeaders(request.headers);
  const authorization = headers.get('authorization');
  const query = request.query;
  const presigned = query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential') || query.has('X-Amz-Signature');
  if (authorization === undefined && !presigned) return null;
  if (authorization !== undefined && presigned) {
    throw new IncompleteSignature(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const securityToken = readSecurityToken(headers, query);
  return authorization !== undefined
    ? parseHeaderForm(request, headers, authorization, securityToken, options)
    : parseQueryForm(request, headers, securityToken, options);
}

function parseHeaderForm(request: SigV4Request, headers: Map<string, string>, authorization: string, securityToken: string | undefined, options: ParseOptions): ParsedSigV4 {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) throw new IncompleteSignature(`Unsupported AWS 'algorithm': '${printable(algorithm)}'. Use ${ALGORITHM}.`);
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    if (fields.has(name)) throw new IncompleteSignature(`Authorization header has the '${printable(name)}' parameter more than once.`);
    fields.set(name, eq < 0 ? '' : item.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const amzDate = headers.get('x-amz-date');
  const missing: string[] = [];
  if (credential === undefined) missing.push("Authorization header requires 'Credential' parameter.");
  if (signature === undefined) missing.push("Authorization header requires 'Signature' parameter.");
  if (signedHeaders === undefined) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (amzDate === undefined) missing.push("Authorization header requires existence of a 'X-Amz-Date' header.");
  if (credential === undefined || signature === undefined || signedHeaders === undefined || amzDate === undefined) {
    throw new IncompleteSignature(missing.join(' '));
  }
  return build(request, headers, 'header', { credential, signedHeaders, signature, amzDate, securityToken }, options);
}

function parseQueryForm(request: SigV4Request, headers: Map<string, string>, securityToken: string | undefined, options: ParseOptions): ParsedSigV4 {
  const query = request.query;
  const values: Partial<Record<(typeof QUERY_PARAMS)[number], string>> = {};
  for (const name of QUERY_PARAMS) {
    const all = query.getAll(name);
    if (all.length > 1) throw new IncompleteSignature(`The query-string parameter '${name}' is given more than once.`);
    if (all[0] !== undefined) values[name] = all[0];
  }
  const { 'X-Amz-Algorithm': algorithm, 'X-Amz-Credential': credential, 'X-Amz-Signature': signature } = values;
  const { 'X-Amz-Date': amzDate, 'X-Amz-SignedHeaders': signedHeaders, 'X-Amz-Expires': expires } = values;
  if (algorithm === undefined || credential === undefined || signature === undefined || amzDate === undefined || signedHeaders === undefined || expires === undefined) {
    throw new IncompleteSignature(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters.",
    );
  }
  if (algorithm !== ALGORITHM) throw new IncompleteSignature(`Unsupported AWS 'algorithm': '${printable(algorithm)}'. Use ${ALGORITHM}.`);
  const expiresSeconds = /^\d{1,7}$/.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_PRESIGN_EXPIRES_SECONDS)) {
    throw new IncompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} (one week).`);
  }
  return build(request, headers, 'query', { credential, signedHeaders, signature, amzDate, securityToken, expiresSeconds }, options);
}

interface RawParts {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  readonly securityToken: string | undefined;
  readonly expiresSeconds?: number;
}

function build(request: SigV4Request, headers: Map<string, string>, form: 'header' | 'query', raw: RawParts, options: ParseOptions): ParsedSigV4 {
  const scope = raw.credential.split('/');
  if (scope.length !== 5) {
    throw new IncompleteSignature(
      `Credential should have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${printable(raw.credential)}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope as [string, string, string, string, string];
  if (accessKeyId === '') throw new IncompleteSignature('Credential should name an access key id: keyid/date/region/service/term');
  if (!SCOPE_DATE.test(scopeDate)) throw new IncompleteSignature(`Credential should be scoped to a valid date (YYYYMMDD), not '${printable(scopeDate)}'.`);
  if (!REGION.test(region)) throw new IncompleteSignature(`Credential should be scoped to a valid region, not '${printable(region)}'.`);
  if (options.anyService === true ? !SERVICE_NAME.test(service) : service !== 'sts' && service !== 'iam') {
    throw new IncompleteSignature(`Credential should be scoped to correct service: 'sts' or 'iam', not '${printable(service)}'.`);
  }
  if (terminator !== TERMINATOR) {
    throw new IncompleteSignature(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${printable(terminator)}'.`);
  }
  const signedHeaders = raw.signedHeaders.split(';');
  if (!signedHeaders.every((h) => HEADER_NAME.test(h))) {
    throw new IncompleteSignature("SignedHeaders must be lower-case header names separated by ';'.");
  }
  if (!signedHeaders.includes('host')) throw new IncompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const signedAt = parseAmzDate(raw.amzDate);
  if (signedAt === undefined) {
    throw new IncompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${printable(raw.amzDate)}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  return {
    form,
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders,
    signature: raw.signature,
    amzDate: raw.amzDate,
    signedAt,
    ...(raw.expiresSeconds !== undefined ? { expiresSeconds: raw.expiresSeconds } : {}),
    ...(raw.securityToken !== undefined ? { securityToken: raw.securityToken } : {}),
    request,
    headers,
  };
}

/** The token travels in the X-Amz-Security-Token header or query parameter, "but not both" (G9810). */
function readSecurityToken(headers: Map<string, string>, query: URLSearchParams): string | undefined {
  const fromHeader = headers.get('x-amz-security-token');
  const fromQuery = query.getAll('X-Amz-Security-Token');
  if (fromQuery.length > 1 || (fromHeader !== undefined && fromQuery.length > 0)) {
    throw new IncompleteSignature('The security token must be sent once: in the X-Amz-Security-Token header or query parameter, not both.');
  }
  return fromHeader ?? fromQuery[0];
}

function lowerCaseRawHeaders(raw: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const previous = out.get(key);
    out.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  return out;
}

function lowerCaseHeaders(headers: SigV4Request['headers']): Map<string, string> {
  const out = new Map<string, string>();
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = typeof value === 'string' ? value : value.join(',');
    const previous = out.get(key);
    out.set(key, previous === undefined ? text : `${previous},${text}`);
  }
  return out;
}

/** Client input echoed in a message (never a secret: none is parsed here). */
const printable = (text: string): string => quoteInput(text, 128);
