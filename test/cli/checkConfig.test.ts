/**
 * `fedbroker check-config FILE` (api.md §8, config.md): the same validation as start-up — schema, every
 * policy, every IdP metadata file, every ARN, the unconstrained-trust guard — run as the real command.
 * Exit 0 with a summary when the file is good; exit 1 with every problem and its key path otherwise.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fedbroker, type CliRun } from '../helpers/fedbrokerCli.js';
import { createTestIdp } from '../helpers/samlIdp.js';

const ACCOUNT = '123456789012';
const OIDC = 'https://login.example.com';
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/login.example.com`;
const SAML_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-check-'));
  const idp = createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'check-config-idp' });
  writeFileSync(join(dir, 'idp.xml'), idp.metadataXml());
  writeFileSync(join(dir, 'not-xml.xml'), 'this is <not> metadata');
  writeFileSync(join(dir, 'no-signing-key.xml'), idp.metadataXml({ keyUse: 'encryption' }));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [] }));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const webTrust = (condition: Record<string, unknown> | undefined) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: OIDC_ARN }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}) }],
});
const samlTrust = (condition: Record<string, unknown> | undefined) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Federated: SAML_ARN }, Action: 'sts:AssumeRoleWithSAML', ...(condition ? { Condition: condition } : {}) }],
});

function good(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: { id: ACCOUNT },
    store: 'memory:',
    keys: { dir: 'keys' },
    audit: { file: null },
    identityProviders: [
      { type: 'saml', name: 'Corp', metadata: 'idp.xml' },
      { type: 'oidc', issuer: OIDC, clientIds: ['app'], jwksFile: 'jwks.json' },
    ],
    policies: [{ name: 'Read', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
    roles: [
      { name: 'Web', trustPolicy: webTrust({ StringEquals: { 'login.example.com:aud': 'app', 'login.example.com:sub': 'alice' } }), managedPolicies: ['Read'] },
      { name: 'Saml', trustPolicy: samlTrust({ StringEquals: { 'SAML:aud': 'http://localhost:8080/saml' } }) },
    ],
    users: [{ name: 'portal', accessKeys: [{ id: 'AKIAPORTAL0000000001', secret: 'portal-secret-0123456789' }], managedPolicies: ['Read'] }],
    ...extra,
  };
}

let counter = 0;
async function check(config: Record<string, unknown>): Promise<CliRun & { file: string }> {
  const file = join(dir, `config-${++counter}.yaml`);
  writeFileSync(file, stringify(config));
  return { ...(await fedbroker(['check-config', file])), file };
}

function failsAt(r: CliRun, path: string, message?: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const line = r.stderr.split('\n').find((l) => l.trim().startsWith(`${path}:`));
  expect(line, r.stderr).toBeDefined();
  if (message) expect(line).toMatch(message);
  expect(r.stdout).not.toMatch(/OK/);
}

describe('fedbroker check-config', () => {
  it('a good configuration → exit 0 and a summary', async () => {
    const r = await check(good());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${r.file}: OK — 2 roles, 1 users, 1 managed policies, 1 SAML and 1 OIDC providers`);
  });

  it('does not start anything or write files (no keys dir, no store)', async () => {
    const sub = mkdtempSync(join(dir, 'clean-'));
    writeFileSync(join(sub, 'idp.xml'), createTestIdp({ keyLabel: 'check-config-idp' }).metadataXml());
    writeFileSync(join(sub, 'jwks.json'), JSON.stringify({ keys: [] }));
    const file = join(sub, 'broker.yaml');
    writeFileSync(file, stringify(good({ store: 'sqlite:data/broker.db', audit: { file: 'data/audit.jsonl' } })));
    const r = await fedbroker(['check-config', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(sub).sort()).toEqual(['broker.yaml', 'idp.xml', 'jwks.json']);
  });

  it('a SAML metadata file that does not parse → error at identityProviders[0].metadata', async () => {
    const c = good();
    (c['identityProviders'] as Array<Record<string, unknown>>)[0]!['metadata'] = 'not-xml.xml';
    failsAt(await check(c), 'identityProviders[0].metadata', /Unable to parse metadata/);
  });

  it('a SAML metadata file without a signing key → error naming it', async () => {
    const c = good();
    (c['identityProviders'] as Array<Record<string, unknown>>)[0]!['metadata'] = 'no-signing-key.xml';
    failsAt(await check(c), 'identityProviders[0].metadata', /no signing key/);
  });

  it('a SAML metadata file that does not exist → error naming the key', async () => {
    const c = good();
    (c['identityProviders'] as Array<Record<string, unknown>>)[0]!['metadata'] = 'missing.xml';
    failsAt(await check(c), 'identityProviders[0].metadata');
  });

  it('an OIDC issuer that is http on a non-loopback host → error at identityProviders[1].issuer; loopback http is fine', async () => {
    const c = good();
    (c['identityProviders'] as Array<Record<string, unknown>>)[1]!['issuer'] = 'http://login.example.com';
    failsAt(await check(c), 'identityProviders[1].issuer', /https/);

    const loopback = good({
      identityProviders: [{ type: 'oidc', issuer: 'http://127.0.0.1:8443', clientIds: ['app'], jwksFile: 'jwks.json' }],
      roles: [{ name: 'Web', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/127.0.0.1:8443` }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { '127.0.0.1:8443:aud': 'app', '127.0.0.1:8443:sub': 'x' } } }] } }],
    });
    const ok = await check(loopback);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('unconstrained web-identity trust (no <provider>:aud) → error unless allowUnconstrainedTrust: true', async () => {
    const c = good({ roles: [{ name: 'Open', trustPolicy: webTrust({ StringEquals: { 'login.example.com:sub': 'alice' } }) }] });
    failsAt(await check(c), 'roles[0].trustPolicy.Statement[0].Condition', /without a condition on login\.example\.com:aud/);
    const none = good({ roles: [{ name: 'Open', trustPolicy: webTrust(undefined) }] });
    failsAt(await check(none), 'roles[0].trustPolicy.Statement[0].Condition');
    const allowed = await check(good({ roles: [{ name: 'Open', trustPolicy: webTrust(undefined), allowUnconstrainedTrust: true }] }));
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('a condition IAM accepts but that can never match → accepted with a warning per condition; a Deny says it denies nothing', async () => {
    const r = await check(
      good({
        policies: [
          {
            name: 'Read',
            document: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 's3:Get*', Resource: '*', Condition: { DateGreaterThan: {} } },
                { Sid: 'NoMfaNoWrite', Effect: 'Deny', Action: 's3:Put*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'no' } } },
              ],
            },
          },
        ],
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warning: policies[0].document.Statement[0].Condition.DateGreaterThan: the condition DateGreaterThan can never match (DateGreaterThan names no condition key): the statement never applies, so it allows nothing');
    expect(r.stdout).toContain(
      'warning: policies[0].document.Statement[1].Condition.BoolIfExists["aws:MultiFactorAuthPresent"]: the condition BoolIfExists on aws:MultiFactorAuthPresent can never match ("no" is not true or false): statement NoMfaNoWrite (a Deny) never applies, so it denies nothing',
    );
  });

  it('a policy IAM refuses → error with its message and the element at fault', async () => {
    const c = good({ policies: [{ name: 'Read', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] } }] });
    failsAt(await check(c), 'policies[0].document.Statement[0].Action', /Actions\/Conditions must be prefaced by a vendor, e\.g\., iam, sdb, ec2, etc\./);
  });

  it('web-identity trust with aud but no sub → accepted with a warning', async () => {
    const r = await check(good({ roles: [{ name: 'AudOnly', trustPolicy: webTrust({ StringEquals: { 'login.example.com:aud': 'app' } }) }] }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/warning: .*AudOnly.*login\.example\.com:sub/);
  });

  it('unconstrained SAML trust (no saml:aud) → error unless allowUnconstrainedTrust: true', async () => {
    const c = good({ roles: [{ name: 'OpenSaml', trustPolicy: samlTrust({ StringEquals: { 'saml:sub': 'alice' } }) }] });
    failsAt(await check(c), 'roles[0].trustPolicy.Statement[0].Condition', /saml:aud/);
    const allowed = await check(good({ roles: [{ name: 'OpenSaml', trustPolicy: samlTrust(undefined), allowUnconstrainedTrust: true }] }));
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('a trust open to everyone ({"AWS": "*"}) counts as every provider: unconstrained without aud conditions', async () => {
    const open = (statement: Record<string, unknown>) =>
      good({ roles: [{ name: 'Anyone', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'], ...statement }] } }] });
    failsAt(await check(open({ Principal: { AWS: '*' } })), 'roles[0].trustPolicy.Statement[0].Condition');
    failsAt(await check(open({ Principal: { AWS: ['arn:aws:iam::123456789012:root', '*'] } })), 'roles[0].trustPolicy.Statement[0].Condition');
    // NotPrincipal never gets that far: a trust policy may not use it (as IAM).
    failsAt(await check(open({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/mallory` } })), 'roles[0].trustPolicy.Statement[0].NotPrincipal');
    const constrained = await check(
      open({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'login.example.com:aud': 'app', 'saml:aud': '${fedbroker:AcsUrl}' } } }),
    );
    expect(constrained.code, constrained.stderr).toBe(0);
  });

  it('a store URL that serve could not open → error at store, without echoing it (it may hold a password)', async () => {
    for (const store of ['sqlite://db.example.com/broker', 'mysql://root:S3cretPw@db/broker', 'redis:']) {
      const r = await check(good({ store }));
      failsAt(r, 'store', /accepted forms/);
      expect(r.stderr).not.toContain('S3cretPw');
    }
    for (const store of ['memory:', 'sqlite:data/x.db', 'sqlite:///tmp/x.db', 'postgres://u:p@127.0.0.1:5432/db']) {
      const ok = await check(good({ store }));
      expect(ok.code, `${store}: ${ok.stderr}`).toBe(0);
    }
  });

  it('an audience "condition" that restricts nothing (StringLike "*", a negated operator, Null) counts as none', async () => {
    for (const condition of [
      { StringLike: { 'login.example.com:aud': '*' } },
      { StringNotEquals: { 'login.example.com:aud': 'other-app' } },
      { Null: { 'login.example.com:aud': 'false' } },
    ]) {
      failsAt(await check(good({ roles: [{ name: 'Weak', trustPolicy: webTrust(condition) }] })), 'roles[0].trustPolicy.Statement[0].Condition');
    }
    failsAt(await check(good({ roles: [{ name: 'WeakSaml', trustPolicy: samlTrust({ StringLike: { 'saml:aud': '*' } }) }] })), 'roles[0].trustPolicy.Statement[0].Condition');
    const prefix = await check(good({ roles: [{ name: 'Prefix', trustPolicy: webTrust({ StringLike: { 'login.example.com:aud': 'app-*', 'login.example.com:sub': '*' } }) }] }));
    expect(prefix.code, prefix.stderr).toBe(0);
  });

  it('an OIDC browser sign-in whose client is not one of clientIds → error at login.clientId', async () => {
    const c = good();
    (c['identityProviders'] as Array<Record<string, unknown>>)[1]!['login'] = { clientId: 'console-app' };
    failsAt(await check(c), 'identityProviders[1].login.clientId', /must be one of clientIds/);
    (c['identityProviders'] as Array<Record<string, unknown>>)[1]!['login'] = { clientId: 'app' };
    const ok = await check(c);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('duplicate role names (case-insensitive, as IAM) → error at the second one', async () => {
    const c = good();
    const roles = c['roles'] as Array<Record<string, unknown>>;
    roles.push({ ...roles[1]!, name: 'SAML' });
    failsAt(await check(c), 'roles[2].name', /Saml|SAML/);
  });

  it('an unknown managed policy → error at the reference', async () => {
    const c = good();
    (c['roles'] as Array<Record<string, unknown>>)[0]!['managedPolicies'] = ['Read', 'NoSuchPolicy'];
    failsAt(await check(c), 'roles[0].managedPolicies[1]', /NoSuchPolicy/);
    const u = good();
    (u['users'] as Array<Record<string, unknown>>)[0]!['managedPolicies'] = ['Nope'];
    failsAt(await check(u), 'users[0].managedPolicies[0]', /Nope/);
  });

  it('a malformed principal ARN in a trust policy → "Invalid principal in policy" at its path', async () => {
    const c = good({
      roles: [
        { name: 'BadAccount', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::12345:root' }, Action: 'sts:AssumeRole' }] } },
        { name: 'BadProvider', allowUnconstrainedTrust: true, trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:provider/Corp` }, Action: 'sts:AssumeRoleWithSAML' }] } },
      ],
    });
    const r = await check(c);
    failsAt(r, 'roles[0].trustPolicy.Statement[0].Principal.AWS', /Invalid principal in policy: "AWS":"arn:aws:iam::12345:root"/);
    failsAt(r, 'roles[1].trustPolicy.Statement[0].Principal.Federated', /Invalid principal in policy/);
    // Well-formed principals of every kind are accepted.
    const fine = good({
      roles: [
        {
          name: 'Many',
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:user/portal`, `arn:aws:iam::${ACCOUNT}:role/team/Deployer`, `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci`] },
                Action: 'sts:AssumeRole',
              },
            ],
          },
        },
        { name: 'Deployer', path: '/team/', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }] } },
      ],
    });
    const ok = await check(fine);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('what `serve` refuses at start is refused here too: several workers on a memory: store; development providers under NODE_ENV=production', async () => {
    failsAt(await check(good({ server: { workers: 2 }, store: 'memory:' })), 'server.workers', /need a store they can share/);
    const shared = await check(good({ server: { workers: 2 }, store: 'sqlite:data/broker.db' }));
    expect(shared.code, shared.stderr).toBe(0);
    const dev = join(dir, `config-${++counter}.yaml`);
    writeFileSync(dev, stringify(good({ devIdentityProviders: true })));
    const prod = await fedbroker(['check-config', dev], { env: { NODE_ENV: 'production' } });
    failsAt(prod, 'devIdentityProviders', /NODE_ENV=production/);
    const devOk = await fedbroker(['check-config', dev]);
    expect(devOk.code, devOk.stderr).toBe(0);
    expect(devOk.stdout).toMatch(/warning: devIdentityProviders is on/);
  });

  it('every problem is reported at once, not only the first', async () => {
    const c = good();
    (c['roles'] as Array<Record<string, unknown>>)[0]!['managedPolicies'] = ['Missing1'];
    (c['users'] as Array<Record<string, unknown>>)[0]!['managedPolicies'] = ['Missing2'];
    c['server'] = { workers: 'auto' };
    c['store'] = 'memory:';
    const r = await check(c);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('roles[0].managedPolicies[0]');
    expect(r.stderr).toContain('users[0].managedPolicies[0]');
    expect(r.stderr).toContain('server.workers');
  });

  it('typos that leave a role unusable are refused, each naming the role and its path (src/config/lint)', async () => {
    const r = await check(
      good({
        roles: [
          { name: 'Web', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: OIDC_ARN }, Action: 'sts:AssumeRoleWithWebIdentiy', Condition: { StringEquals: { 'login.example.com:aud': 'app', 'login.example.com:sub': 'alice' } } }] } },
          { name: 'Saml', trustPolicy: samlTrust({ StringEquals: { 'saml:aud': 'http://localhost:9999/saml' } }) },
          { name: 'Corp', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/Crop` }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': '${fedbroker:AcsUrl}' } } }] } },
          { name: 'Portal', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/portl` }, Action: 'sts:AssumeRole' }] } },
        ],
      }),
    );
    failsAt(r, 'roles[0].trustPolicy.Statement[0].Action', /role Web: "sts:AssumeRoleWithWebIdentiy" is not an action of sts \(did you mean sts:AssumeRoleWithWebIdentity\?\)/);
    failsAt(r, 'roles[1].trustPolicy.Statement[0].Condition.StringEquals["saml:aud"]', /role Saml: saml:aud is always this broker's ACS URL http:\/\/localhost:8080\/saml/);
    failsAt(r, 'roles[2].trustPolicy.Statement[0].Principal.Federated', /role Corp: no SAML provider named Crop is configured .*did you mean arn:aws:iam::123456789012:saml-provider\/Corp\?/);
    failsAt(r, 'roles[3].trustPolicy.Statement[0].Principal.AWS', /role Portal: no user arn:aws:iam::123456789012:user\/portl exists .*did you mean arn:aws:iam::123456789012:user\/portal\?/);
  });
});
