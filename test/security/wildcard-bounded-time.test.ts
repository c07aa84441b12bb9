/**
 * security.md "Found by review": a session policy with a long wildcard pattern evaluated against a long
 * request value (User-Agent, a tag, a claim) → bounded time: wildcards match in linear time, aws:UserAgent
 * is capped at 1 KB as AWS records it, and a denial's explanation is built once, only when it is sealed.
 * The old matcher (backtracking to the last `*`) took ~130 ms for one such match, several times per
 * request; the bounds below are on this process's CPU time (machines running these tests are shared)
 * and generous, yet far below that.
 */
import { describe, expect, it } from 'vitest';
import { requestConditionKeys, MAX_USER_AGENT_CHARS } from '../../src/actions/common/requestContext.js';
import { authorizeTrust } from '../../src/actions/common/trust.js';
import type { RoleModel } from '../../src/config/model.js';
import { AccessDenied } from '../../src/errors.js';
import { compileGlob, globMatch } from '../../src/policy/matching/glob.js';
import { authorize, createContext, explain, parsePolicy } from '../../src/policy/index.js';
import { TEST_ACCOUNT } from '../helpers/broker.js';
import { stsBrokerForFile } from '../helpers/stsBroker.js';
import { AUDITOR, PORTAL, roleArn } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, resultValue, stsQuery } from '../helpers/stsHttp.js';

/** Far above what a linear matcher needs on a loaded machine; far below the old matcher's 130+ ms. */
const BOUND_MS = 25;
const LONG_VALUE = 'a'.repeat(13_000);

/** Milliseconds of CPU this process spent in `work` (what holds the event loop; other processes on a shared machine do not count). */
function cpuMs(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Runs `work` a few times and returns the cheapest run. */
function fastest(work: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, cpuMs(work));
  return best;
}

/** A session policy of ~2,000 characters (the limit is 2,048) whose StringLike pattern is hostile. */
function hostileSessionPolicy(pattern: string, effect: 'Allow' | 'Deny' = 'Allow') {
  return { Version: '2012-10-17', Statement: [{ Effect: effect, Action: '*', Resource: '*', Condition: { StringLike: { 'aws:UserAgent': pattern } } }] };
}

const HOSTILE_PATTERNS: Record<string, string> = {
  'a star, then a long run that almost matches everywhere': `*${'a'.repeat(1_900)}b`,
  'a long run between two stars': `*${'a'.repeat(1_900)}b*`,
  'a long run with single-character wildcards, between two stars': `*${'a'.repeat(900)}?${'a'.repeat(900)}b*`,
  'many stars': `*${'a*'.repeat(900)}b`,
  'question marks only, then a literal': `*${'?'.repeat(1_900)}b*`,
};

describe('security: long wildcard patterns against long request values take bounded time', () => {
  it.each(Object.entries(HOSTILE_PATTERNS))('%s: one match stays under the bound, and is right', (_name, pattern) => {
    const glob = compileGlob(pattern);
    let result: boolean | undefined;
    const ms = fastest(() => (result = globMatch(glob, LONG_VALUE, 0, LONG_VALUE.length, false)));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(BOUND_MS);
    // The same patterns still match what they should.
    const matching = `${LONG_VALUE}b`;
    expect(globMatch(glob, matching, 0, matching.length, false)).toBe(true);
    expect(fastest(() => globMatch(glob, matching, 0, matching.length, false))).toBeLessThan(BOUND_MS);
  });

  it('the policy engine decides and explains a denial under the bound, whatever the value length', () => {
    const policy = parsePolicy(hostileSessionPolicy(HOSTILE_PATTERNS['a star, then a long run that almost matches everywhere']!), { kind: 'session', name: 'session', maxSize: 2048 });
    const allowAll = parsePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, { kind: 'identity', name: 'id' });
    const request = { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: createContext({ 'aws:useragent': LONG_VALUE }) };
    const layers = { identity: [allowAll], session: [policy] };
    expect(authorize(layers, request).decision).toBe('ImplicitDeny');
    expect(fastest(() => authorize(layers, request))).toBeLessThan(BOUND_MS);
    expect(fastest(() => explain(layers, request))).toBeLessThan(BOUND_MS);
  });

  it('a trust denial builds its explanation only when it is read, and only once', () => {
    const trustPolicy = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole', Condition: { StringLike: { 'aws:UserAgent': HOSTILE_PATTERNS['many stars']! } } }],
      },
      { kind: 'trust', name: 'trust:Hostile' },
    );
    const role = { name: 'Hostile', arn: roleArn('Hostile'), trustPolicy } as unknown as RoleModel;
    const request = { action: 'sts:AssumeRole', resource: role.arn, principal: { account: TEST_ACCOUNT }, context: createContext({ 'aws:useragent': LONG_VALUE }) };
    let denial: AccessDenied | undefined;
    const ms = fastest(() => {
      try {
        authorizeTrust(role, request, true);
      } catch (e) {
        denial = e as AccessDenied;
      }
    });
    expect(denial).toBeInstanceOf(AccessDenied);
    expect(ms).toBeLessThan(BOUND_MS);
    const first = denial!.explanation;
    expect(first).toMatchObject({ policies: [{ policy: 'trust:Hostile' }] });
    expect(denial!.explanation).toBe(first);

    let built = 0;
    const lazy = new AccessDenied('x', { explanation: () => ({ built: ++built }) });
    expect(built).toBe(0);
    expect(lazy.explanation).toEqual({ built: 1 });
    expect(lazy.explanation).toEqual({ built: 1 });
    expect(built).toBe(1);
  });

  it('aws:UserAgent holds at most the first 1,024 characters of the header', () => {
    const keys = requestConditionKeys({ receivedAt: Date.now(), secure: true, sourceIp: '192.0.2.1', userAgent: `${'x'.repeat(2_000)}tail` });
    expect(MAX_USER_AGENT_CHARS).toBe(1024);
    expect(keys['aws:useragent']).toBe('x'.repeat(1024));
    expect(requestConditionKeys({ receivedAt: Date.now(), secure: true, sourceIp: '', userAgent: 'aws-cli/2.15' })['aws:useragent']).toBe('aws-cli/2.15');
  });
});

describe('security: a hostile session policy and a 13 KB User-Agent through the running broker', () => {
  const env = stsBrokerForFile();

  it('the request is refused quickly, and the sealed context shows the 1 KB the policy was matched against', async () => {
    const assumed = await stsQuery(
      env.b.url,
      { Action: 'AssumeRole', RoleArn: roleArn('Chainer'), RoleSessionName: 'hostile', Policy: JSON.stringify(hostileSessionPolicy(HOSTILE_PATTERNS['a star, then a long run that almost matches everywhere']!)) },
      { credentials: PORTAL },
    );
    expect(assumed.status, assumed.body).toBe(200);
    const session = credentialsOf(assumed);
    const userAgent = `aws-sdk-js/3 ${LONG_VALUE}`;
    const before = process.cpuUsage();
    const denied = await stsQuery(env.b.url, { Action: 'AssumeRole', RoleArn: roleArn('Target'), RoleSessionName: 'next' }, { credentials: session, headers: { 'user-agent': userAgent } });
    const used = process.cpuUsage(before);
    expect(awsError(denied).code).toBe('AccessDenied');
    // The CPU of a whole HTTP round trip (client and broker share this process), signing and the
    // signature check included: generous, yet far below the old cost (seconds).
    expect((used.user + used.system) / 1000).toBeLessThan(250);

    const encoded = /Encoded authorization failure message: (\S+)$/.exec(awsError(denied).message)![1]!;
    const decoded = await stsQuery(env.b.url, { Action: 'DecodeAuthorizationMessage', EncodedMessage: encoded }, { credentials: AUDITOR });
    const context = (JSON.parse(resultValue(decoded, 'DecodedMessage')!) as { request: { context: Record<string, string> } }).request.context;
    expect(context['aws:useragent']).toBe(userAgent.slice(0, 1024));
  });
});
