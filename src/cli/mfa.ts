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
import type { MfaDevice, Store } from '../store/types.js';
import { operatorIdentity } from './operatorAudit.js';
import { loadConfigFromArgs, option, type CliArgs } from './args.js';

const USAGE = `usage: fedbroker mfa list [--user NAME] [--json] [--config FILE]
       fedbroker mfa deactivate (--serial ARN | --user NAME) [--config FILE]
`;

export async function mfa(args: CliArgs, rest: string[]): Promise<number> {
  const sub = rest[0];
  if (sub === 'list') return list(args);
  if (sub === 'deactivate') return deactivate(args);
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
  const loaded = loadConfigFromArgs(args);
  const devices = await withStore(loaded, (store) => store.listMfaDevices(user === undefined ? undefined : { ownerKey: mfaOwnerKey({ kind: 'user', userName: user })! }));
  const now = Date.now();
  const rows = devices.map((d) => row(d, now));
  if (args.options.get('json') === true) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    process.stdout.write(user === undefined ? 'No MFA devices.\n' : `No MFA devices for user ${printable(user)}.\n`);
    return 0;
  }
  const table = [
    ['SERIAL', 'OWNER', 'ENABLED', 'ENABLE DATE', 'FAILURES', 'LOCKED UNTIL'],
    ...rows.map((r) => [r.serialNumber, r.owner ?? '-', r.enabled ? 'yes' : 'no', r.enableDate ?? '-', String(r.failures), r.lockedUntil ?? '-'].map(printable)),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
  for (const cells of table) process.stdout.write(`${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  return 0;
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
      const service = new MfaService({
        store,
        sealer: await loadOrCreateKeyRing(config.keys.dir),
        audit,
        account: config.account.id,
        partition: config.account.partition,
        issuer: config.mfa.issuer,
        window: config.mfa.window,
        maxFailures: config.mfa.maxFailures,
        lockoutSeconds: config.mfa.lockoutSeconds,
      });
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
