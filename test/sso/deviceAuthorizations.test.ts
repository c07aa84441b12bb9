import { describe, expect, it } from 'vitest';
import { DeviceAuthorizations } from '../../src/sso/deviceAuthorizations.js';
import { MemoryStore } from '../../src/store/memory.js';
import { client, NOW, person, ring } from './fixtures.js';

const setup = () => {
  const store = new MemoryStore();
  const keyRing = ring();
  return { store, keyRing, devices: new DeviceAuthorizations(store, keyRing), client: client(keyRing) };
};

const code = (e: unknown) => (e as { code?: string }).code;

describe('device authorizations', () => {
  it('pending (polled no faster than the interval) → approved → consumed once', async () => {
    const { devices, client: c } = setup();
    const started = await devices.start(c, ['sso:account:access'], NOW);
    expect(code(await devices.poll(started.deviceCode, c, NOW).catch((e) => e))).toBe('AuthorizationPendingException');
    expect(code(await devices.poll(started.deviceCode, c, NOW + 2000).catch((e) => e))).toBe('SlowDownException');
    expect(code(await devices.poll(started.deviceCode, c, NOW + 5000).catch((e) => e))).toBe('AuthorizationPendingException');
    const found = (await devices.findByUserCode(started.userCode))!;
    expect(found.authorization).toMatchObject({ status: 'pending', clientName: 'test-cli' });
    expect(await devices.decide(found.key, started.userCode, { approve: person() }, NOW + 6000)).toBe(true);
    // A code works once: a second decision changes nothing.
    expect(await devices.decide(found.key, started.userCode, 'deny', NOW + 6500)).toBe(false);
    const approved = await devices.poll(started.deviceCode, c, NOW + 7000);
    expect(approved.person.subject).toBe('alice@example.com');
    expect(code(await devices.poll(started.deviceCode, c, NOW + 12_000).catch((e) => e))).toBe('InvalidGrantException');
  });

  it('denied → AccessDeniedException; expired → ExpiredTokenException; another client or an altered code → InvalidGrantException', async () => {
    const { devices, client: c, keyRing } = setup();
    const denied = await devices.start(c, [], NOW);
    const found = (await devices.findByUserCode(denied.userCode))!;
    expect(await devices.decide(found.key, denied.userCode, 'deny', NOW)).toBe(true);
    expect(code(await devices.poll(denied.deviceCode, c, NOW + 5000).catch((e) => e))).toBe('AccessDeniedException');

    const started = await devices.start(c, [], NOW);
    expect(code(await devices.poll(started.deviceCode, c, NOW + 600_000).catch((e) => e))).toBe('ExpiredTokenException');
    expect(code(await devices.poll(started.deviceCode, client(keyRing), NOW).catch((e) => e))).toBe('InvalidGrantException');
    expect(code(await devices.poll(`${started.deviceCode}x`, c, NOW).catch((e) => e))).toBe('InvalidGrantException');
    // Nobody can approve an expired request.
    const late = (await devices.findByUserCode(started.userCode))!;
    expect(await devices.decide(late.key, started.userCode, { approve: person() }, NOW + 600_000)).toBe(false);
  });

  it('two concurrent polls of an approved code: exactly one gets the tokens', async () => {
    const { devices, client: c } = setup();
    const started = await devices.start(c, [], NOW);
    const found = (await devices.findByUserCode(started.userCode))!;
    await devices.decide(found.key, started.userCode, { approve: person() }, NOW);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => devices.poll(started.deviceCode, c, NOW + 6000)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  });
});
