/**
 * Signed-caller test helpers: real @aws-sdk/client-iam and client-sts clients against a running broker,
 * an "authenticator app" that computes codes from a returned seed (otplib, independent of the
 * verifier), raw signed Query requests (to see the XML as sent), and the guide's MFA policies.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IAMClient, IAMServiceException } from '@aws-sdk/client-iam';
import { STSClient, STSServiceException } from '@aws-sdk/client-sts';
import type { Credentials as StsCredentials } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { generate } from 'otplib';
import { expect } from 'vitest';
import { NodeSha256 } from '../federation/sigv4/helpers.js';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function iamClient(url: string, credentials: Keys): IAMClient {
  return new IAMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export function stsClient(url: string, credentials: Keys): STSClient {
  return new STSClient({ endpoint: url, region: 'eu-west-1', credentials, maxAttempts: 1 });
}

/** Temporary credentials from an STS result, as SDK credentials. */
export function temporary(credentials: StsCredentials | undefined): Keys {
  expect(credentials?.AccessKeyId).toMatch(/^ASIA/);
  return { accessKeyId: credentials!.AccessKeyId!, secretAccessKey: credentials!.SecretAccessKey!, sessionToken: credentials!.SessionToken! };
}

/**
 * The service error a promise rejects with: its SDK name and optionally its message are checked. The
 * SDK names modeled IAM errors after their class (wire code `NoSuchEntity` → `NoSuchEntityException`);
 * unmodeled codes (AccessDenied, ValidationError) keep the wire code.
 */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected ${code}, but the call succeeded`);
  expect(error instanceof IAMServiceException || error instanceof STSServiceException, String(error)).toBe(true);
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  expect(e.name, e.message).toBe(code);
  if (typeof message === 'string') expect(e.message).toContain(message);
  else if (message !== undefined) expect(e.message).toMatch(message);
  return e;
}

// ---- the authenticator app ------------------------------------------------------------------------

export const STEP_MS = 30_000;
export const stepNow = (): number => Math.floor(Date.now() / STEP_MS);

/** The code of time step `step`, as an authenticator app holding `seedBase32` shows it (otplib). */
export function codeOfStep(seedBase32: string, step: number): Promise<string> {
  return generate({ secret: seedBase32, epoch: step * 30 + 1 });
}

/** A six-digit code different from `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A virtual device in an authenticator app. Codes are handed out in step order, never reused: enable
 * with the codes of steps s-1 and s, then each `next()` is the code of a later step still inside the
 * broker's ±window — so a test needs no waiting unless it asks for more than `window` codes in one
 * 30 s step (then `next()` waits for the next step, the only unavoidable wait).
 */
export class Authenticator {
  lastStep = -1;

  constructor(
    readonly serial: string,
    readonly seedBase32: string,
    readonly window: number,
  ) {}

  /** From a CreateVirtualMFADevice result (Base32StringSeed is the base32 text, as bytes). */
  static fromDevice(device: { SerialNumber?: string; Base32StringSeed?: Uint8Array } | undefined, window: number): Authenticator {
    expect(device?.SerialNumber).toBeDefined();
    expect(device?.Base32StringSeed).toBeInstanceOf(Uint8Array);
    const seed = Buffer.from(device!.Base32StringSeed!).toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    return new Authenticator(device!.SerialNumber!, seed, window);
  }

  /**
   * Two consecutive codes ending at the current step (what EnableMFADevice/ResyncMFADevice want), or
   * later when the current step is used; `reach` is how far ahead of now the broker looks (the window
   * for EnableMFADevice, ±10 steps for ResyncMFADevice).
   */
  async pair(reach: number = this.window): Promise<[string, string]> {
    const s = Math.max(stepNow(), this.lastStep + 2);
    await this.waitFor(s, reach);
    this.lastStep = s;
    return [await codeOfStep(this.seedBase32, s - 1), await codeOfStep(this.seedBase32, s)];
  }

  /** A fresh code the broker will accept once. */
  async next(): Promise<string> {
    const step = Math.max(this.lastStep + 1, stepNow());
    await this.waitFor(step);
    this.lastStep = step;
    return codeOfStep(this.seedBase32, step);
  }

  /** Waits until `step` is inside the window (only when the codes of this 30 s step are used up). */
  private async waitFor(step: number, reach: number = this.window): Promise<void> {
    while (step > stepNow() + reach) await sleep((stepNow() + 1) * STEP_MS - Date.now() + 50);
  }
}

// ---- raw signed requests ----------------------------------------------------------------------------

/** A Query request signed by @smithy/signature-v4 and sent with fetch: the response as the wire has it. */
export async function signedQuery(
  url: string,
  credentials: Keys,
  params: Record<string, string>,
  service: 'iam' | 'sts' = 'iam',
): Promise<{ status: number; body: string; contentType: string }> {
  const target = new URL(url);
  const body = new URLSearchParams(params).toString();
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: '/',
    query: {},
    headers: { host: target.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
  return { status: response.status, body: await response.text(), contentType: response.headers.get('content-type') ?? '' };
}

/** The "Encoded authorization failure message" at the end of an AccessDenied message. */
export function encodedMessageOf(error: Error): string {
  const match = /Encoded authorization failure message: (\S+)$/.exec(error.message);
  expect(match, error.message).not.toBeNull();
  return match![1]!;
}

// ---- the guide's policies (seed-digest §12), from the policy engine's fixtures ------------------------

const SEED_VECTORS = resolve(import.meta.dirname, '../policy/fixtures/seed-digest');

/**
 * Test vector `id` (TV-M9, TV-R1…) exactly as test/policy/fixtures/seed-digest holds it, with only the
 * named substitutions (placeholders such as `account-id-without-hyphens`, or EC2 actions the broker
 * does not serve); each must occur in the vector.
 */
export function seedPolicy(id: string, substitutions: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  let text = readFileSync(join(SEED_VECTORS, `${id}.json`), 'utf8');
  for (const [from, to] of Object.entries(substitutions)) {
    if (!text.includes(from)) throw new Error(`${id} does not contain ${from}`);
    text = text.split(from).join(to);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** TV-M9, the Force_MFA tutorial policy (G1652–G1773). */
export const TV_M9 = seedPolicy('TV-M9');
/** TV-M10, IAM users self-manage an MFA device (G12467–G12511). */
export const TV_M10 = seedPolicy('TV-M10');
/** TV-M11, users manage only their own virtual MFA devices (G15320–G15376), in `account`. */
export const tvM11 = (account: string) => seedPolicy('TV-M11', { 'account-id-without-hyphens': account });

/** A user entry of the broker configuration with one long-term key. */
export function user(name: string, accessKeyId: string, inlinePolicies: unknown[] = [], extra: Record<string, unknown> = {}) {
  return { name, accessKeys: [{ id: accessKeyId, secret: secretOf(accessKeyId) }], inlinePolicies, ...extra };
}

/** The (test-only) secret of a configured access key. */
export function secretOf(accessKeyId: string): string {
  return `secret/${accessKeyId}/wJalrXUtnFEMI`;
}

export function keysOf(accessKeyId: string): Keys {
  return { accessKeyId, secretAccessKey: secretOf(accessKeyId) };
}

/** A valid long-term access key id for a test user: `AKIA` + the name, upper case, padded with zeros. */
export function accessKey(name: string): string {
  return `AKIA${name.toUpperCase().replace(/[^A-Z0-9]/g, '').padEnd(16, '0').slice(0, 16)}`;
}
