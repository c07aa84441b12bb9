/**
 * Device authorizations (RFC 8628, StartDeviceAuthorization and the device_code grant) as records in
 * the store, so any instance can answer the client's polls and the person's approval:
 *
 *   pending ──approve──▶ approved ──first poll──▶ consumed (tokens issued, once)
 *      └─────deny─────▶ denied
 *
 * The device code is sealed (record key, client, expiry): a code of another client, an altered one
 * or an expired one is refused before the store is asked. The user code maps to the record for the
 * approval page; it is looked up only in its exact, normalised form.
 */
import type { KeyRing } from '../keys/keyRing.js';
import type { Store } from '../store/types.js';
import type { Client } from './clients.js';
import { newUserCode, randomId } from './codes.js';
import { AccessDeniedException, AuthorizationPendingException, ExpiredTokenException, InvalidGrantException, SlowDownException } from './errors.js';
import type { Person } from './person.js';
import { JsonRecords } from './records.js';
import { openJson, sealJson } from './sealed.js';
import { DEVICE_CODE_TTL_SECONDS, POLL_INTERVAL_SECONDS } from './settings.js';

const PURPOSE = 'sso-device-code';
/** Polls this much earlier than `interval` still count as on time (network jitter, clocks of instances). */
const POLL_TOLERANCE_MS = 500;

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'consumed';

export interface DeviceAuthorization {
  readonly v: 1;
  readonly userCode: string;
  readonly clientRef: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Epoch ms of the last poll answered "pending" (0: none yet). */
  readonly lastPollAt: number;
  readonly status: DeviceStatus;
  /** Who approved it. */
  readonly person?: Person;
  readonly decidedAt?: number;
}

interface SealedDeviceCode {
  readonly v: 1;
  readonly k: string;
  readonly c: string;
  readonly x: number;
}

export interface StartedAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly expiresIn: number;
  readonly interval: number;
}

export class DeviceAuthorizations {
  private readonly records: JsonRecords<DeviceAuthorization>;

  constructor(
    private readonly store: Store,
    private readonly keyRing: KeyRing,
  ) {
    this.records = new JsonRecords(store, 'sso-device');
  }

  async start(client: Client, scopes: readonly string[], nowMs = Date.now()): Promise<StartedAuthorization> {
    const key = randomId();
    const expiresAt = nowMs + DEVICE_CODE_TTL_SECONDS * 1000;
    // A user code is unique among live ones (2.6·10^10 codes: a collision is rare; try another).
    let userCode = newUserCode();
    for (let attempt = 0; !(await this.store.replaceItem('sso-user-code', userCode, null, key, expiresAt)); attempt++) {
      if (attempt >= 5) throw new Error('could not allocate a unique user code');
      userCode = newUserCode();
    }
    const record: DeviceAuthorization = { v: 1, userCode, clientRef: client.ref, clientName: client.name, scopes, createdAt: nowMs, expiresAt, lastPollAt: 0, status: 'pending' };
    await this.records.create(key, record);
    const sealed: SealedDeviceCode = { v: 1, k: key, c: client.ref, x: expiresAt };
    return { deviceCode: sealJson(this.keyRing, PURPOSE, sealed), userCode, expiresIn: DEVICE_CODE_TTL_SECONDS, interval: POLL_INTERVAL_SECONDS };
  }

  /** The authorization a (normalised) user code names, while it lives. */
  async findByUserCode(userCode: string): Promise<{ readonly key: string; readonly authorization: DeviceAuthorization } | undefined> {
    const key = await this.store.getItem('sso-user-code', userCode);
    if (key === null) return undefined;
    const authorization = await this.records.get(key);
    return authorization !== undefined && authorization.userCode === userCode ? { key, authorization } : undefined;
  }

  /** The person's answer. True when this call decided it; false when it was decided before or is gone. */
  async decide(key: string, userCode: string, decision: { readonly approve: Person } | 'deny', nowMs = Date.now()): Promise<boolean> {
    const result = await this.records.update(key, (current) => {
      if (current.status !== 'pending' || current.userCode !== userCode || current.expiresAt <= nowMs) return undefined;
      return decision === 'deny'
        ? { ...current, status: 'denied', decidedAt: nowMs }
        : { ...current, status: 'approved', person: decision.approve, decidedAt: nowMs };
    });
    return result?.changed === true;
  }

  /**
   * One poll of the device_code grant: the approving person (once), or the error the client must see
   * — pending, slow down, denied, expired, or an invalid (altered, foreign, already used) code.
   */
  async poll(deviceCode: unknown, client: Client, nowMs = Date.now()): Promise<{ readonly person: Person; readonly scopes: readonly string[] }> {
    const code = openJson(this.keyRing, PURPOSE, deviceCode) as SealedDeviceCode | undefined;
    if (code === undefined || code.v !== 1 || code.c !== client.ref) throw new InvalidGrantException('Invalid device code provided');
    if (code.x <= nowMs) throw new ExpiredTokenException('Device code has expired');
    const result = await this.records.update(code.k, (current) => {
      if (current.status === 'pending') {
        return nowMs - current.lastPollAt < POLL_INTERVAL_SECONDS * 1000 - POLL_TOLERANCE_MS ? undefined : { ...current, lastPollAt: nowMs };
      }
      return current.status === 'approved' ? { ...current, status: 'consumed' } : undefined;
    });
    if (result === undefined) throw new ExpiredTokenException('Device code has expired');
    const { record, changed } = result;
    switch (record.status) {
      case 'pending':
        if (changed) throw new AuthorizationPendingException('Authorization is pending: approve the request in your browser');
        throw new SlowDownException(`Client is polling too fast; wait at least ${POLL_INTERVAL_SECONDS} seconds between requests`);
      case 'denied':
        throw new AccessDeniedException('The request was denied by the user');
      case 'consumed':
        if (changed && record.person !== undefined) return { person: record.person, scopes: record.scopes };
        throw new InvalidGrantException('Device code has already been used');
      default:
        throw new InvalidGrantException('Invalid device code provided');
    }
  }
}
