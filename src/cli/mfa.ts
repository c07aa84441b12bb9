/**
 * `fedbroker mfa list [--user NAME] [--json]` and `fedbroker mfa deactivate --serial ARN | --user NAME`:
 * what an administrator needs when a user lost their device (guide G4128: "IAM users must contact an
 * administrator to deactivate the device"). Works on the store named by the configuration, so it acts
 * on every broker instance sharing it. Never prints or touches a seed.
 *
 * Deactivation goes through the MFA core (the same code path as DeactivateMFADevice) and is an audit
 * event whose userIdentity is the administrator who ran the command.
 */
import { isoSeconds } from '../time.js';
import { AuditLog } from '../audit/auditLog.js';
import type { LoadedConfig } from '../config/load.js';
import { loadOrCreateKeyRing } from '../keys/keyRing.js';
import { MfaService } from '../mfa/mfaService.js';
import { mfaOwnerKey, openStore } from '../store/index.js';
import type { MfaDevice, Store, WebauthnCredential } from '../store/types.js';
import { AwsError } from '../errors.js';
import type { FederatedMfaOwner } from '../mfa/federatedOwner.js';
import { createEnrolmentGrant, ENROLMENT_GRANT_PARAM } from '../mfa/enrolmentGrants.js';
import { PasskeyService, relyingPartyOf } from '../mfa/webauthn/index.js';
import type { Sealer } from '../mfa/seedCipher.js';
import { operatorIdentity } from './operatorAudit.js';
import { loadConfigFromArgs, option, type CliArgs } from './args.js';

const USAGE = `usage: fedbroker mfa list [--user NAME | --provider NAME --subject SUBJECT] [--json] [--config FILE]
       fedbroker mfa deactivate (--serial ARN | --user NAME) [--config FILE]
       fedbroker mfa remove (--serial ARN | --passkey ID) [--config FILE]
       fedbroker mfa enrol --provider NAME --subject SUBJECT [--config FILE]
`;

export async function mfa(args: CliArgs, rest: string[]): Promise<number> {
  const sub = rest[0];
  if (sub === 'list') return list(args);
  if (sub === 'deactivate') return deactivate(args);
  if (sub === 'remove') return remove(args, USAGE);
  if (sub === 'enrol' || sub === 'enroll') return enrol(args, USAGE);
  process.stderr.write(USAGE);
  return 2;
}

async function withStore<T>(loaded: LoadedConfig, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loaded.config.store, { baseDir: loaded.baseDir });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Terminal-safe text: names and subjects come from users and identity providers. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the terminal
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

interface DeviceRow {
  readonly serialNumber: string;
  readonly owner: string | null;
  readonly enabled: boolean;
  readonly enableDate: string | null;
  readonly createDate: string;
  readonly failures: number;
  readonly lockedUntil: string | null;
}

/** What `mfa list` shows of a device: everything but the sealed seed. */
function row(device: MfaDevice, now: number): DeviceRow {
  return {
    serialNumber: device.serial,
    owner: mfaOwnerKey(device.owner),
    enabled: device.enabled,
    enableDate: device.enabledAt === null ? null : isoSeconds(device.enabledAt),
    createDate: isoSeconds(device.createdAt),
    failures: device.failures,
    lockedUntil: device.lockedUntil > now ? isoSeconds(device.lockedUntil) : null,
  };
}

async function list(args: CliArgs): Promise<number> {
  const user = option(args, 'user');
  const owner = ownerOption(args);
  if (owner === null) {
    process.stderr.write(USAGE);
    return 2;
  }
  const ownerKey = owner !== undefined ? mfaOwnerKey(owner)! : user !== undefined ? mfaOwnerKey({ kind: 'user', userName: user })! : undefined;
  const filter = ownerKey === undefined ? undefined : { ownerKey };
  const loaded = loadConfigFromArgs(args);
  const [devices, passkeys] = await withStore(loaded, async (store) => [await store.listMfaDevices(filter), await store.listWebauthnCredentials(filter)] as const);
  const now = Date.now();
  const rows = devices.map((d) => row(d, now));
  const keys = passkeys.map(passkeyRow);
  if (args.options.get('json') === true) {
    process.stdout.write(`${JSON.stringify([...rows, ...keys], null, 2)}\n`);
    return 0;
  }
  if (keys.length > 0) printTable([['PASSKEY ID', 'OWNER', 'NAME', 'CREATED', 'LAST USED'], ...keys.map((k) => [k.credentialId, k.owner, k.name, k.createDate, k.lastUsedDate ?? '-'].map(printable))]);
  if (rows.length === 0) {
    const whose = user !== undefined ? ` for user ${printable(user)}` : owner !== undefined ? ` for ${printable(ownerKey!)}` : '';
    process.stdout.write(keys.length === 0 ? `No MFA devices${whose}.\n` : `No TOTP MFA devices${whose}.\n`);
    return 0;
  }
  if (keys.length > 0) process.stdout.write('\n');
  const table = [
    ['SERIAL', 'OWNER', 'ENABLED', 'ENABLE DATE', 'FAILURES', 'LOCKED UNTIL'],
    ...rows.map((r) => [r.serialNumber, r.owner ?? '-', r.enabled ? 'yes' : 'no', r.enableDate ?? '-', String(r.failures), r.lockedUntil ?? '-'].map(printable)),
  ];
  printTable(table);
  return 0;
}

function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
  for (const cells of table) process.stdout.write(`${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
}

/** What `mfa list` shows of a passkey: everything but the public key. */
function passkeyRow(c: WebauthnCredential) {
  return { type: 'passkey' as const, credentialId: c.id, owner: c.ownerKey, name: c.name, createDate: isoSeconds(c.createdAt), lastUsedDate: c.lastUsedAt === null ? null : isoSeconds(c.lastUsedAt), counter: c.counter };
}

/** --provider NAME --subject SUBJECT: a federated person's MFA owner (null: only one of the two given). */
function ownerOption(args: CliArgs): FederatedMfaOwner | undefined | null {
  const provider = option(args, 'provider');
  const subject = option(args, 'subject');
  if (provider === undefined && subject === undefined) return undefined;
  if (provider === undefined || subject === undefined || provider.includes('|')) return null;
  return { kind: 'federated', provider, subject };
}

/** `mfa remove`: a TOTP device (deactivated, then deleted) or a passkey, by an administrator; audited. */
async function remove(args: CliArgs, usage: string): Promise<number> {
  const serial = option(args, 'serial');
  const passkey = option(args, 'passkey');
  if ((serial === undefined) === (passkey === undefined)) {
    process.stderr.write(usage);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const { config } = loaded;
  return withStore(loaded, async (store) => {
    const audit = new AuditLog(config.audit.file, store, undefined, 'occasional');
    const context = { userIdentity: operatorIdentity(config.account.id, 'fedbroker mfa remove'), userAgent: 'fedbroker-cli' };
    try {
      if (passkey !== undefined) {
        const service = new PasskeyService({ store, audit, account: config.account.id, rp: relyingPartyOf(loaded.publicUrl, config.mfa.webauthn) });
        const removed = await service.remove(passkey, undefined, context);
        process.stdout.write(`Removed the passkey ${printable(removed.name)} of ${printable(removed.ownerKey)}.\n`);
        return 0;
      }
      const device = await store.getMfaDevice(serial!);
      if (device === null) {
        process.stderr.write(`fedbroker: no MFA device with serial number ${printable(serial!)}\n`);
        return 1;
      }
      const service = mfaServiceFor(loaded, store, audit, await loadOrCreateKeyRing(config.keys.dir));
      if (device.enabled || device.owner !== null) await service.deactivate(device.serial, undefined, context);
      await service.delete(device.serial, context);
      process.stdout.write(`Removed ${printable(device.serial)} (was ${printable(mfaOwnerKey(device.owner) ?? '-')}).\n`);
      return 0;
    } catch (e) {
      if (!(e instanceof AwsError) || e.httpStatus >= 500) throw e;
      process.stderr.write(`fedbroker: ${printable(e.message)}\n`);
      return 1;
    } finally {
      await audit.close();
    }
  });
}

/**
 * `mfa enrol --provider NAME --subject SUBJECT`: a one-use enrolment link (15 minutes) for that
 * person (mfa.federatedEnrollment: admin-only). SUBJECT is the identifier MFA devices are keyed by
 * (as `mfa list` shows it: the subject, or the provider's mfaSubject attribute, lower-cased for
 * subjectCase: insensitive).
 */
async function enrol(args: CliArgs, usage: string): Promise<number> {
  const owner = ownerOption(args);
  if (owner === undefined || owner === null) {
    process.stderr.write(usage);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const { config } = loaded;
  return withStore(loaded, async (store) => {
    const { token, expiresAt } = await createEnrolmentGrant(store, owner);
    const audit = new AuditLog(config.audit.file, store, undefined, 'occasional');
    try {
      await audit.record({
        eventSource: 'fedbroker',
        eventName: 'CreateMFAEnrolmentLink',
        eventType: 'FedbrokerEvent',
        userAgent: 'fedbroker-cli',
        userIdentity: operatorIdentity(config.account.id, 'fedbroker mfa enrol'),
        requestParameters: { identityProvider: owner.provider, subject: owner.subject },
        responseElements: { expiration: isoSeconds(expiresAt) },
        recipientAccountId: config.account.id,
      });
    } finally {
      await audit.close();
    }
    process.stdout.write(
      `${loaded.publicUrl}/start?${ENROLMENT_GRANT_PARAM}=${token}\n` +
        `Send this link to ${printable(owner.subject)} (${printable(owner.provider)}). It works once, until ${isoSeconds(expiresAt)}, ` +
        'for that person signed in through that provider: they can then add a passkey or an authenticator app.\n',
    );
    return 0;
  });
}


async function deactivate(args: CliArgs): Promise<number> {
  const serial = option(args, 'serial');
  const user = option(args, 'user');
  if ((serial === undefined) === (user === undefined)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const loaded = loadConfigFromArgs(args);
  const { config } = loaded;
  return withStore(loaded, async (store) => {
    let device: MfaDevice | null | undefined;
    if (serial !== undefined) device = await store.getMfaDevice(serial);
    else device = (await store.listMfaDevices({ ownerKey: mfaOwnerKey({ kind: 'user', userName: user! })! })).find((d) => d.enabled);
    if (device === null || device === undefined) {
      process.stderr.write(serial !== undefined ? `fedbroker: no MFA device with serial number ${printable(serial)}\n` : `fedbroker: user ${printable(user!)} has no enabled MFA device\n`);
      return 1;
    }
    if (!device.enabled && device.owner === null) {
      process.stdout.write(`${printable(device.serial)} is not enabled for anyone; nothing changed.\n`);
      return 0;
    }
    const audit = new AuditLog(config.audit.file, store, undefined, 'occasional');
    try {
      const service = mfaServiceFor(loaded, store, audit, await loadOrCreateKeyRing(config.keys.dir));
      const owner = mfaOwnerKey(device.owner) ?? '-';
      await service.deactivate(device.serial, undefined, { userIdentity: operatorIdentity(config.account.id, 'fedbroker mfa deactivate'), userAgent: 'fedbroker-cli' });
      process.stdout.write(
        `Deactivated ${printable(device.serial)} (was ${printable(owner)}). Its owner can now enrol a new device; ` +
          'the old device entity remains until it is deleted (DeleteVirtualMFADevice).\n',
      );
      return 0;
    } finally {
      await audit.close();
    }
  });
}

function mfaServiceFor(loaded: LoadedConfig, store: Store, audit: AuditLog, sealer: Sealer): MfaService {
  const { config } = loaded;
  return new MfaService({
    store,
    sealer,
    audit,
    account: config.account.id,
    partition: config.account.partition,
    issuer: config.mfa.issuer,
    window: config.mfa.window,
    maxFailures: config.mfa.maxFailures,
    lockoutSeconds: config.mfa.lockoutSeconds,
  });
}
