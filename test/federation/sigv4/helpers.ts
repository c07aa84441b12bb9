/**
 * Test helpers: sign requests with an independent SigV4 implementation (@smithy/signature-v4, what
 * the AWS SDK v3 uses), ephemeral key rings, sample session claims, and a throwaway node:http server
 * that authenticates with CallerResolver and answers GetCallerIdentity.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { isAwsError } from '../../../src/errors.js';
import type { SessionClaims } from '../../../src/credentials/types.js';
import { generateSealingKey, KeyRing } from '../../../src/keys/keyRing.js';
import type { CallerResolver } from '../../../src/federation/sigv4/callers.js';
import type { SigV4Request } from '../../../src/federation/sigv4/parse.js';
import type { Caller } from '../../../src/federation/identity.js';

export const ACCOUNT = '111122223333';
export const PARTITION = 'aws';

/** AWS's documentation example key pair. */
export const USER_KEY = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  userName: 'portal',
  userId: 'AIDAJQABLZS4A3QDU576Q',
};

type Bytes = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 / HMAC-SHA256 in the Checksum shape smithy expects (the SDK injects its own equivalent). */
export class NodeSha256 {
  private readonly secret: Buffer | undefined;
  private state: Hash | Hmac;

  constructor(secret?: Bytes) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.state = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }

  update(data: Bytes): void {
    this.state.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.state.digest());
  }

  reset(): void {
    this.state = this.fresh();
  }
}

export interface TestCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RequestSpec {
  readonly method?: string;
  readonly host?: string;
  /** Wire path (percent-encoded as sent). */
  readonly path?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface SignOptions {
  readonly region?: string;
  readonly service?: string;
  readonly applyChecksum?: boolean;
  readonly signingDate?: Date;
  /** Headers to leave out of SignedHeaders (e.g. host, to build a bad signature). */
  readonly unsignableHeaders?: readonly string[];
}

export const GET_CALLER_IDENTITY_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

function smithyRequest(spec: RequestSpec) {
  const method = spec.method ?? 'POST';
  const body = spec.body ?? (method === 'POST' ? GET_CALLER_IDENTITY_BODY : undefined);
  return {
    method,
    protocol: 'https:',
    hostname: spec.host ?? 'sts.fedbroker.test',
    path: spec.path ?? '/',
    query: { ...(spec.query ?? {}) },
    headers: {
      host: spec.host ?? 'sts.fedbroker.test',
      ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
      ...(spec.headers ?? {}),
    },
    ...(body !== undefined ? { body } : {}),
  };
}

function signer(credentials: TestCredentials, options: SignOptions): SignatureV4 {
  return new SignatureV4({
    service: options.service ?? 'sts',
    region: options.region ?? 'eu-west-1',
    credentials,
    sha256: NodeSha256,
    applyChecksum: options.applyChecksum ?? false,
  });
}

interface SignedShape {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

function toSigV4Request(signed: SignedShape): SigV4Request {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v);
  }
  return {
    method: signed.method,
    path: signed.path,
    query,
    headers: { ...signed.headers },
    body: typeof signed.body === 'string' ? Buffer.from(signed.body, 'utf8') : Buffer.alloc(0),
  };
}

/** A request signed in the Authorization-header form by @smithy/signature-v4. */
export async function signRequest(credentials: TestCredentials, spec: RequestSpec = {}, options: SignOptions = {}): Promise<SigV4Request> {
  const signed = (await signer(credentials, options).sign(smithyRequest(spec), {
    signingDate: options.signingDate ?? new Date(),
    ...(options.unsignableHeaders !== undefined ? { unsignableHeaders: new Set(options.unsignableHeaders) } : {}),
  })) as unknown as SignedShape;
  return toSigV4Request(signed);
}

/** A presigned request (query form) made by @smithy/signature-v4's `presign`. */
export async function presignRequest(
  credentials: TestCredentials,
  spec: RequestSpec = {},
  options: SignOptions & { expiresIn?: number } = {},
): Promise<SigV4Request> {
  const presigned = (await signer(credentials, options).presign(
    smithyRequest({ method: 'GET', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, ...spec }),
    { signingDate: options.signingDate ?? new Date(), expiresIn: options.expiresIn ?? 900 },
  )) as unknown as SignedShape;
  return toSigV4Request(presigned);
}

/** Copy of a request with some headers replaced (names as in `request.headers`). */
export function withHeaders(request: SigV4Request, headers: Record<string, string | undefined>): SigV4Request {
  return { ...request, headers: { ...request.headers, ...headers } };
}

export function ephemeralRing(): KeyRing {
  return new KeyRing({ sealingKeys: [generateSealingKey()] });
}

/** A role session issued `ageSeconds` ago, lasting an hour. */
export function roleSessionClaims(overrides: Partial<SessionClaims> = {}, nowMs: number = Date.now()): SessionClaims {
  const issuedAt = Math.floor(nowMs / 1000) - 60;
  return {
    accessKeyId: 'ASIAQ2FMBAJRB3XA7DLE',
    secretAccessKey: 'k5Zs0cJ0cDqvJbXWmEHZvJ7sOMBtPqMqHdyq9fXy',
    issuedAt,
    expiresAt: issuedAt + 3600,
    account: ACCOUNT,
    partition: PARTITION,
    issuer: 'AssumeRoleWithSAML',
    principal: { kind: 'AssumedRole', roleName: 'Developer', rolePath: '/team/', roleId: 'AROA3XFRBF23VHKWA7BFQ', sessionName: 'alice@example.com' },
    federated: { type: 'saml', provider: 'ExampleCorp', subject: 'alice' },
    context: { 'saml:sub': 'alice', 'aws:federatedprovider': `arn:aws:iam::${ACCOUNT}:saml-provider/ExampleCorp` },
    ...overrides,
  };
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface VerifierServer {
  readonly url: string;
  /** Every request's outcome, in order. */
  readonly outcomes: ({ caller: Caller } | { error: Error })[];
  /** The raw requests as received (for captures). */
  readonly requests: SigV4Request[];
  close(): Promise<void>;
}

/**
 * A throwaway STS-like endpoint on 127.0.0.1: authenticates every request with `resolver` and
 * answers a minimal GetCallerIdentity, or an AWS ErrorResponse.
 */
export async function startVerifierServer(resolver: CallerResolver): Promise<VerifierServer> {
  const outcomes: VerifierServer['outcomes'] = [];
  const requests: SigV4Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawUrl = req.url ?? '/';
      const q = rawUrl.indexOf('?');
      const request: SigV4Request = {
        method: req.method ?? 'GET',
        path: q < 0 ? rawUrl : rawUrl.slice(0, q),
        query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      const requestId = randomUUID();
      try {
        const caller = resolver.authenticate(request);
        outcomes.push({ caller });
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
            `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.userId)}</UserId><Account>${caller.account}</Account>` +
            `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        );
      } catch (e) {
        const error = e as Error;
        outcomes.push({ error });
        const status = isAwsError(error) ? error.httpStatus : 500;
        const code = isAwsError(error) ? error.code : 'InternalFailure';
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code>` +
            `<Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    outcomes,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
