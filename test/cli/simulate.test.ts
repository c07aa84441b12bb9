/**
 * `fedbroker simulate` (api.md §8): which roles an identity may take and why not the others, judged
 * with the request keys a real sign-in carries now (time, transport, source address).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fedbroker, writeOfflineConfig } from '../helpers/fedbrokerCli.js';
import { createTestIdp } from '../helpers/samlIdp.js';

const ACCOUNT = '123456789012';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Corp`;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedbroker-simulate-'));
  writeFileSync(join(dir, 'idp.xml'), createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'simulate-idp' }).metadataXml());
  const trust = (condition: Record<string, unknown>) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': 'https://broker.example.com/saml' }, ...condition } }],
  });
  writeOfflineConfig(dir, {
    devIdentityProviders: false,
    identityProviders: [{ type: 'saml', name: 'Corp', metadata: 'idp.xml' }],
    roles: [
      { name: 'UntilCentury', trustPolicy: trust({ DateLessThan: { 'aws:CurrentTime': '2099-12-31T00:00:00Z' } }) },
      { name: 'TlsOnly', trustPolicy: trust({ Bool: { 'aws:SecureTransport': 'true' } }) },
      { name: 'Office', trustPolicy: trust({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }) },
    ],
  });
  writeFileSync(join(dir, 'alice.json'), JSON.stringify({ nameId: 'alice@example.com', attributes: {} }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const simulate = (...extra: string[]) =>
  fedbroker(['simulate', '--config', join(dir, 'broker.yaml'), '--provider', 'Corp', '--attributes', join(dir, 'alice.json'), '--json', ...extra]);

it('judges time, transport and source-address conditions as a real sign-in would', async () => {
  const run = await simulate();
  expect(run.stderr).toBe('');
  const verdicts = Object.fromEntries((JSON.parse(run.stdout) as { roles: Array<{ role: string; allowed: boolean }> }).roles.map((r) => [r.role.split('/').pop(), r.allowed]));
  expect(verdicts).toEqual({ UntilCentury: true, TlsOnly: true, Office: false });

  const fromOffice = JSON.parse((await simulate('--source-ip', '203.0.113.9')).stdout) as { roles: Array<{ role: string; allowed: boolean }> };
  expect(fromOffice.roles.find((r) => r.role.endsWith('/Office'))?.allowed).toBe(true);
}, 60_000);

it('warns about a condition that can never match, and names it as the reason a role is refused', async () => {
  const sub = mkdtempSync(join(dir, 'void-'));
  writeFileSync(join(sub, 'idp.xml'), createTestIdp({ entityId: 'https://idp.example.test/metadata', keyLabel: 'simulate-idp' }).metadataXml());
  const file = writeOfflineConfig(sub, {
    devIdentityProviders: false,
    identityProviders: [{ type: 'saml', name: 'Corp', metadata: 'idp.xml' }],
    roles: [
      {
        name: 'Typo',
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Federated: PROVIDER_ARN }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'saml:aud': 'https://broker.example.com/saml' }, IpAddress: { 'aws:SourceIp': 'office' } } },
          ],
        },
      },
    ],
  });
  const run = await fedbroker(['simulate', '--config', file, '--provider', 'Corp', '--attributes', join(dir, 'alice.json')]);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(
    'warning: roles[0].trustPolicy.Statement[0].Condition.IpAddress["aws:SourceIp"]: the condition IpAddress on aws:SourceIp can never match ("office" is not an IPv4 or IPv6 address or CIDR block): the statement never applies, so it allows nothing',
  );
  expect(run.stdout).toContain('trust:Typo Statement[0] Allow: condition IpAddress aws:SourceIp can never match (a value is not an IP address or CIDR block)');
}, 60_000);
