/**
 * The operator commands against a real broker's files, run as the real `fedbroker` command:
 * - `keys rotate`: a new kid becomes active after a restart; tokens sealed before still work;
 * - `audit verify`: OK on an audit file written by a running broker (and by the CLI at the same time);
 *   an edited, a deleted and two swapped lines are each detected, naming the line;
 * - `revoke role|session|subject` while the server runs: the sessions die within about a second,
 *   others do not; every revocation and rotation is an audit event.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type StartedBroker } from '../helpers/broker.js';
import { fedbroker } from '../helpers/fedbrokerCli.js';
import { createStsFixture, PORTAL, PROVIDER, roleArn, type StsFixture } from '../helpers/stsFixture.js';
import { awsError, credentialsOf, stsQuery, type Keys } from '../helpers/stsHttp.js';

let fx: StsFixture;
let b: StartedBroker;

beforeAll(async () => {
  fx = await createStsFixture();
  b = await startBroker(fx.config(), { dir: fx.dir });
}, 60_000);

afterAll(async () => {
  await b?.close();
  fx?.cleanup();
});

const auditFile = () => join(fx.dir, 'data', 'audit.jsonl');
const auditLines = () => readFileSync(auditFile(), 'utf8').trimEnd().split('\n');
const whoAmI = (k: Keys) => stsQuery(b.url, { Action: 'GetCallerIdentity' }, { credentials: k });

async function webSession(sub = 'alice', role = 'WebDev'): Promise<Keys> {
  const r = await stsQuery(b.url, { Action: 'AssumeRoleWithWebIdentity', RoleArn: roleArn(role), RoleSessionName: sub, WebIdentityToken: await fx.webToken({ sub }) });
  expect(r.status, r.body).toBe(200);
  return credentialsOf(r);
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The kid a sealed token names in its header: version byte, kid length, kid. */
function kidOf(sessionToken: string): string {
  const raw = Buffer.from(sessionToken, 'base64');
  expect(raw[0]).toBe(1);
  return raw.subarray(2, 2 + raw[1]!).toString('ascii');
}

describe('fedbroker revoke (while the server runs)', () => {
  it('revoke role ARN: every session of that role issued before now dies; other roles live', async () => {
    const dev = await webSession('alice', 'WebDev');
    const chainer = await webSession('alice', 'Chainer');
    const r = await fedbroker(['revoke', 'role', roleArn('WebDev'), '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Revoked role ${roleArn('WebDev')}: sessions issued before \\S+ are refused\\.`));
    expect(await eventually(async () => (await whoAmI(dev)).status === 403)).toBe(true);
    expect(awsError(await whoAmI(dev)).code).toBe('InvalidClientTokenId');
    expect((await whoAmI(chainer)).status).toBe(200);
  });

  it('revoke subject PROVIDER SUBJECT: that federated identity\'s sessions die, other people\'s live', async () => {
    const mallory = await webSession('mallory', 'Chainer');
    const carol = await webSession('carol', 'Chainer');
    const r = await fedbroker(['revoke', 'subject', PROVIDER, 'mallory', '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(await eventually(async () => (await whoAmI(mallory)).status === 403)).toBe(true);
    expect((await whoAmI(carol)).status).toBe(200);
  });

  it('revoke session ACCESS_KEY_ID: only that session dies', async () => {
    const one = await webSession('dave', 'Chainer');
    const two = await webSession('dave', 'Chainer');
    const r = await fedbroker(['revoke', 'session', one.accessKeyId, '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(await eventually(async () => (await whoAmI(one)).status === 403)).toBe(true);
    expect((await whoAmI(two)).status).toBe(200);
  });

  it('every revocation is an audit event, in the file and in the store', async () => {
    const events = auditLines()
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((e) => e['eventName'] === 'RevokeSessions');
    expect(events.map((e) => e['requestParameters'])).toEqual(
      expect.arrayContaining([
        { scope: 'role', target: roleArn('WebDev') },
        { scope: 'subject', provider: PROVIDER, subject: 'mallory' },
        expect.objectContaining({ scope: 'session' }),
      ]),
    );
    for (const e of events) {
      expect(e['eventType']).toBe('FedbrokerEvent');
      expect(e['userIdentity']).toMatchObject({ type: 'FedbrokerAdministrator', invokedBy: 'fedbroker revoke' });
      expect(e['responseElements'].issuedBefore).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    const stored = await b.broker.store.listAudit({ name: 'RevokeSessions' });
    expect(stored.map((s) => s.id).sort()).toEqual(events.map((e) => e['eventID']).sort());
  });

  it('an OpenID provider may be named by its issuer URL', async () => {
    const victim = await webSession('ursula', 'Chainer');
    const r = await fedbroker(['revoke', 'subject', `https://${PROVIDER}`, 'ursula', '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(await eventually(async () => (await whoAmI(victim)).status === 403)).toBe(true);
  });

  it('a provider may be named by its ARN', async () => {
    const victim = await webSession('oscar', 'Chainer');
    const r = await fedbroker(['revoke', 'subject', `arn:aws:iam::123456789012:oidc-provider/${PROVIDER}`, 'oscar', '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(await eventually(async () => (await whoAmI(victim)).status === 403)).toBe(true);
  });

  it('usage errors and targets that cannot name anything exit 2 and revoke nothing', async () => {
    const before = auditLines().length;
    for (const args of [['revoke'], ['revoke', 'role'], ['revoke', 'subject', PROVIDER], ['revoke', 'everything', 'x']]) {
      const r = await fedbroker([...args, '--config', b.configFile]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^usage: fedbroker revoke/);
    }
    const notArn = await fedbroker(['revoke', 'role', 'WebDev', '--config', b.configFile]);
    expect(notArn.code).toBe(2);
    expect(notArn.stderr).toMatch(/WebDev is not a role ARN/);
    const notKey = await fedbroker(['revoke', 'session', 'AKIAPORTAL0000000001', '--config', b.configFile]);
    expect(notKey.code).toBe(2);
    expect(notKey.stderr).toMatch(/is not a temporary access key id/);
    // Well-formed but naming nothing of this configuration: another account, a typo'd role or provider.
    const otherAccount = await fedbroker(['revoke', 'role', 'arn:aws:iam::999999999999:role/WebDev', '--config', b.configFile]);
    expect(otherAccount.code).toBe(2);
    expect(otherAccount.stderr).toMatch(/not a role of account 123456789012/);
    const typo = await fedbroker(['revoke', 'role', roleArn('WebDevv'), '--config', b.configFile]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/there is no role .*WebDevv in the configuration/);
    const noProvider = await fedbroker(['revoke', 'subject', 'https://typo.example.com', 'nobody', '--config', b.configFile]);
    expect(noProvider.code).toBe(2);
    expect(noProvider.stderr).toMatch(/no identity provider named typo\.example\.com/);
    expect(auditLines().length).toBe(before);
  });
});

describe('fedbroker audit verify', () => {
  it('OK on the audit file the running broker (and the CLI, concurrently) wrote', async () => {
    // Some traffic of every kind, with CLI events appended in between (see the revoke tests above).
    await stsQuery(b.url, { Action: 'GetSessionToken' }, { credentials: PORTAL });
    await stsQuery(b.url, { Action: 'AssumeRole', RoleArn: roleArn('SamlDev'), RoleSessionName: 'denied' }, { credentials: PORTAL });
    await webSession('erin', 'Chainer');
    const lines = auditLines();
    expect(lines.length).toBeGreaterThan(10);
    const r = await fedbroker(['audit', 'verify', '--config', b.configFile]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toBe(`OK: ${lines.length} events, hash chain intact; head ${createHash('sha256').update(lines.at(-1)!).digest('hex')}\n`);
    // The file is private to the broker's user.
    expect(statSync(auditFile()).mode & 0o077).toBe(0);
  });

  function tampered(name: string, edit: (lines: string[]) => string[]): string {
    const file = join(fx.dir, name);
    writeFileSync(file, `${edit(auditLines()).join('\n')}\n`);
    return file;
  }

  it('an edited line is detected at the next line, naming the edited one', async () => {
    const file = tampered('edited.jsonl', (lines) => lines.map((l, i) => (i === 2 ? l.replace(/"eventTime":"\d{4}/, '"eventTime":"1999') : l)));
    expect(readFileSync(file, 'utf8')).toContain('"eventTime":"1999');
    const r = await fedbroker(['audit', 'verify', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^BROKEN: ${file} line 4: .*line 3 was edited`));
    expect(r.stdout).toContain('(3 events verified before it)');
  });

  it('a line that is JSON but not an object (null, a number) is reported, not a crash', async () => {
    const file = tampered('null.jsonl', (lines) => lines.map((l, i) => (i === 3 ? 'null' : l)));
    const r = await fedbroker(['audit', 'verify', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^BROKEN: ${file} line 4: not a JSON object`));
  });

  it('a file larger than one read chunk verifies line by line (streamed, any size)', async () => {
    const lines = auditLines();
    const file = join(fx.dir, 'big.jsonl');
    // Repeat the chain's shape: each copy re-chained so the whole file is one valid chain.
    let prev = '0'.repeat(64);
    const out: string[] = [];
    while (out.join('\n').length < 3 * 1024 * 1024) {
      for (const l of lines) {
        const event = JSON.parse(l) as Record<string, unknown>;
        const line = JSON.stringify({ ...event, prevHash: prev });
        out.push(line);
        prev = createHash('sha256').update(line).digest('hex');
      }
    }
    writeFileSync(file, `${out.join('\n')}\n`);
    const r = await fedbroker(['audit', 'verify', file]);
    expect(r.stdout).toBe(`OK: ${out.length} events, hash chain intact; head ${prev}\n`);
  });

  it('a deleted line is detected where it was', async () => {
    const file = tampered('deleted.jsonl', (lines) => lines.filter((_, i) => i !== 4));
    const r = await fedbroker(['audit', 'verify', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^BROKEN: ${file} line 5: `));
  });

  it('two swapped lines are detected at the first of them', async () => {
    const file = tampered('swapped.jsonl', (lines) => {
      const out = [...lines];
      [out[5], out[6]] = [out[6]!, out[5]!];
      return out;
    });
    const r = await fedbroker(['audit', 'verify', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^BROKEN: ${file} line 6: `));
  });

  it('a deleted first line and a line that is not JSON are detected too', async () => {
    const first = tampered('first.jsonl', (lines) => lines.slice(1));
    const r1 = await fedbroker(['audit', 'verify', first]);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toMatch(new RegExp(`^BROKEN: ${first} line 1: .*start of the chain`));
    const garbage = tampered('garbage.jsonl', (lines) => lines.map((l, i) => (i === 1 ? l.slice(0, 40) : l)));
    const r2 = await fedbroker(['audit', 'verify', garbage]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(new RegExp(`^BROKEN: ${garbage} line 2: not a JSON object`));
  });
});

describe('fedbroker keys rotate', () => {
  it('a new kid becomes active after a restart; tokens sealed before still work; the rotation is audited', async () => {
    const before = await webSession('frank', 'Chainer');
    const oldKid = b.broker.keyRing.activeKid;
    expect(kidOf(before.sessionToken!)).toBe(oldKid);

    const r = await fedbroker(['keys', 'rotate', '--config', b.configFile]);
    expect(r.code, r.stderr).toBe(0);
    const kid = /New sealing key (\S+) is active/.exec(r.stdout)?.[1];
    expect(kid).toBeDefined();
    expect(kid).not.toBe(oldKid);
    const keyFile = join(fx.dir, 'keys', 'sealing', `${kid}.json`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    // Restart on the same files.
    await b.close();
    b = await startBroker(fx.config(), { dir: fx.dir });
    expect(b.broker.keyRing.activeKid).toBe(kid);
    expect((await whoAmI(before)).status).toBe(200);
    const after = await webSession('frank', 'Chainer');
    expect(kidOf(after.sessionToken!)).toBe(kid);
    expect((await whoAmI(after)).status).toBe(200);

    const rotation = auditLines()
      .map((l) => JSON.parse(l) as Record<string, any>)
      .find((e) => e['eventName'] === 'RotateSealingKey');
    expect(rotation?.['responseElements']).toEqual({ kid });
    expect(JSON.stringify(rotation)).not.toMatch(/"key"|"secret"/i);
    // The chain is intact across the CLI's and the restarted broker's appends.
    const verify = await fedbroker(['audit', 'verify', '--config', b.configFile]);
    expect(verify.code, verify.stdout).toBe(0);
  });
});
