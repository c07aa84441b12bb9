/**
 * `fedbroker mfa list` and `fedbroker mfa deactivate`, run as an operator runs them (the real CLI
 * entry point through tsx) against the configuration, SQLite store, keys and audit file of a broker
 * whose devices were enrolled through the IAM API.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateVirtualMFADeviceCommand, DeleteVirtualMFADeviceCommand, EnableMFADeviceCommand, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT } from '../helpers/broker.js';
import { accessKey, Authenticator, codeOfStep, iamClient, keysOf, otherCode, rejectsWith, stepNow, stsClient, TV_M10, user } from '../helpers/iamSts.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'src/cli/main.ts');
const CONFIG = { mfa: { window: 2, maxFailures: 2, lockoutSeconds: 600 }, users: ['alice', 'bob', 'carol'].map((n) => user(n, accessKey(n), [TV_M10])) };
const ARN = (name: string) => `arn:aws:iam::${TEST_ACCOUNT}:mfa/${name}`;

let dir: string;
let configFile: string;
const seeds: string[] = [];
const apps = new Map<string, Authenticator>();

/** Runs `fedbroker ARGS…`; resolves its exit code and output (never throws on a non-zero exit). */
async function fedbroker(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, FEDBROKER_CONFIG: '' } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-cli-mfa-'));
  const b = await startBroker(CONFIG, { dir });
  configFile = b.configFile;
  try {
    for (const name of ['alice', 'bob', 'carol']) {
      const iam = iamClient(b.url, keysOf(accessKey(name)));
      const created = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name }));
      const app = Authenticator.fromDevice(created.VirtualMFADevice, 2);
      seeds.push(app.seedBase32);
      apps.set(name, app);
      if (name === 'carol') continue; // created, never enabled
      const [c1, c2] = await app.pair();
      await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
    }
    // Bob's device is locked by two wrong codes.
    const sts = stsClient(b.url, keysOf(accessKey('bob')));
    const bob = apps.get('bob')!;
    for (let i = 0; i < 2; i++) await rejectsWith(sts.send(new GetSessionTokenCommand({ SerialNumber: bob.serial, TokenCode: otherCode(await codeNow(bob)) })), 'AccessDenied');
  } finally {
    await b.close();
  }
}, 60_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The current code, without using it up (only to derive a wrong one). */
const codeNow = (app: Authenticator): Promise<string> => codeOfStep(app.seedBase32, stepNow());

describe('fedbroker mfa list', () => {
  it('lists every device with owner, state, enable date, failures and lockout — never a seed', async () => {
    const out = await fedbroker('mfa', 'list', '--config', configFile);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SERIAL\s+OWNER\s+ENABLED\s+ENABLE DATE\s+FAILURES\s+LOCKED UNTIL$/);
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${ARN('alice')}\\s+user:alice\\s+yes\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s+0\\s+-$`));
    expect(lines[2]).toMatch(new RegExp(`^${ARN('bob')}\\s+user:bob\\s+yes\\s+\\S+\\s+0\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
    expect(lines[3]).toMatch(new RegExp(`^${ARN('carol')}\\s+-\\s+no\\s+-\\s+0\\s+-$`));
    for (const seed of seeds) expect(out.stdout).not.toContain(seed);
  });

  it('--user NAME shows only that user\'s devices; --json gives the same rows as JSON', async () => {
    const out = await fedbroker('mfa', 'list', '--user', 'alice', '--json', '--config', configFile);
    expect(out.code, out.stderr).toBe(0);
    const rows = JSON.parse(out.stdout) as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { serialNumber: ARN('alice'), owner: 'user:alice', enabled: true, enableDate: expect.stringMatching(/Z$/), createDate: expect.stringMatching(/Z$/), failures: 0, lockedUntil: null },
    ]);
    const none = await fedbroker('mfa', 'list', '--user', 'nobody', '--config', configFile);
    expect(none).toMatchObject({ code: 0, stdout: 'No MFA devices for user nobody.\n' });
  });
});

describe('fedbroker mfa deactivate', () => {
  it('deactivates a lost device by serial, with an audit event naming the administrator, and the chain stays intact', async () => {
    const out = await fedbroker('mfa', 'deactivate', '--serial', ARN('alice'), '--config', configFile);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Deactivated ${ARN('alice')} (was user:alice)`);

    const listed = JSON.parse((await fedbroker('mfa', 'list', '--user', 'alice', '--json', '--config', configFile)).stdout) as unknown[];
    expect(listed).toEqual([]); // no longer owned by alice
    const all = JSON.parse((await fedbroker('mfa', 'list', '--json', '--config', configFile)).stdout) as Array<{ serialNumber: string; enabled: boolean; owner: string | null }>;
    expect(all.find((r) => r.serialNumber === ARN('alice'))).toMatchObject({ enabled: false, owner: null });

    const events = readFileSync(join(dir, 'data/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = events.at(-1)!;
    expect(last).toMatchObject({
      eventName: 'DeactivateMFADevice',
      requestParameters: { serialNumber: ARN('alice'), userName: 'alice' },
      userIdentity: { type: 'FedbrokerAdministrator', invokedBy: 'fedbroker mfa deactivate' },
    });
    expect((await fedbroker('audit', 'verify', '--config', configFile)).stdout).toMatch(/^OK: \d+ events, hash chain intact/);
  });

  it('by user name; the device then no longer verifies codes, and its owner can enrol a new one', async () => {
    const out = await fedbroker('mfa', 'deactivate', '--user', 'bob', '--config', configFile);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`Deactivated ${ARN('bob')} (was user:bob)`);

    const b = await startBroker(CONFIG, { dir });
    try {
      const bob = apps.get('bob')!;
      await rejectsWith(
        stsClient(b.url, keysOf(accessKey('bob'))).send(new GetSessionTokenCommand({ SerialNumber: bob.serial, TokenCode: await bob.next() })),
        'AccessDenied',
        'unable to validate MFA code',
      );
      const iam = iamClient(b.url, keysOf(accessKey('bob')));
      // TV-M10 lets bob delete the deactivated device (no MFA needed now that it is not enabled) and create it anew.
      await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: bob.serial }));
      const created = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'bob' }));
      const app = Authenticator.fromDevice(created.VirtualMFADevice, 2);
      const [c1, c2] = await app.pair();
      await iam.send(new EnableMFADeviceCommand({ UserName: 'bob', SerialNumber: app.serial, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
      expect((await iam.send(new ListMFADevicesCommand({}))).MFADevices?.map((d) => d.SerialNumber)).toEqual([ARN('bob')]);
      expect(app.seedBase32).not.toBe(bob.seedBase32);
    } finally {
      await b.close();
    }
  });

  it('unknown serial or user → exit 1 with a message; a device enabled for nobody → nothing to do; bad usage → exit 2', async () => {
    expect(await fedbroker('mfa', 'deactivate', '--serial', ARN('nope'), '--config', configFile)).toMatchObject({ code: 1, stderr: `fedbroker: no MFA device with serial number ${ARN('nope')}\n` });
    expect(await fedbroker('mfa', 'deactivate', '--user', 'carol', '--config', configFile)).toMatchObject({ code: 1, stderr: 'fedbroker: user carol has no enabled MFA device\n' });
    expect(await fedbroker('mfa', 'deactivate', '--serial', ARN('carol'), '--config', configFile)).toMatchObject({ code: 0, stdout: `${ARN('carol')} is not enabled for anyone; nothing changed.\n` });
    expect((await fedbroker('mfa', 'deactivate', '--config', configFile)).code).toBe(2);
    expect((await fedbroker('mfa', 'deactivate', '--serial', ARN('alice'), '--user', 'alice', '--config', configFile)).code).toBe(2);
    expect((await fedbroker('mfa', 'frobnicate', '--config', configFile)).code).toBe(2);
    const help = await fedbroker('help', 'mfa');
    expect(help.stdout).toContain('mfa list [--user NAME]');
    expect(help.stdout).toContain('mfa deactivate (--serial ARN | --user NAME)');
  });
});
