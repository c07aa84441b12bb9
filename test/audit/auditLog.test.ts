import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog, type AuditEventInput } from '../../src/audit/auditLog.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { AuditRecord } from '../../src/store/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function auditFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fedbroker-auditlog-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}

function event(name: string): AuditEventInput {
  return {
    eventSource: 'sts.amazonaws.com',
    eventName: name,
    eventType: 'AwsApiCall',
    sourceIPAddress: '127.0.0.1',
    userAgent: 'test',
    userIdentity: { type: 'Unknown' },
    requestParameters: { roleSessionName: name },
    responseElements: null,
    requestID: name,
    readOnly: false,
    managementEvent: true,
    recipientAccountId: '123456789012',
  } as unknown as AuditEventInput;
}

/** A store whose audit writes fail while `down` is set. */
class FlakyStore extends MemoryStore {
  down = false;
  override appendAudit(records: AuditRecord | readonly AuditRecord[]): Promise<void> {
    return this.down ? Promise.reject(new Error('store is down')) : super.appendAudit(records);
  }
}

describe('AuditLog', () => {
  it('writes the events of one turn together, in order, as one unbroken chain', async () => {
    const file = auditFile();
    const log = new AuditLog(file, null);
    await Promise.all(['A', 'B', 'C'].map((n) => log.record(event(n))));
    await log.record(event('D'));
    await log.close();
    const names = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { eventName: string }).eventName);
    expect(names).toEqual(['A', 'B', 'C', 'D']);
    expect(verifyAuditFiles([file])).toMatchObject({ ok: true, lines: 4 });
  });

  it('continues the chain from lines another writer appended', async () => {
    const file = auditFile();
    const broker = new AuditLog(file, null);
    const cli = new AuditLog(file, null);
    await broker.record(event('one'));
    await cli.record(event('two'));
    await broker.record(event('three'));
    await Promise.all([broker.close(), cli.close()]);
    expect(verifyAuditFiles([file])).toMatchObject({ ok: true, lines: 3 });
  });

  it('a broker and operator commands appending at once (separate OS processes) keep one unbroken chain', async () => {
    const file = auditFile();
    const child = join(import.meta.dirname, 'fixtures/audit-writer-child.ts');
    const run = (name: string, count: number, writer: 'broker' | 'occasional') =>
      new Promise<number | null>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', child, file, String(count), name, writer], (error) => resolve(error ? 1 : 0));
      });
    // The broker writes continuously; each command writes a few events while it does.
    expect(await Promise.all([run('broker', 1500, 'broker'), run('revoke', 10, 'occasional'), run('rotate', 10, 'occasional')])).toEqual([0, 0, 0]);
    const result = verifyAuditFiles([file]);
    expect(result.problem).toBeUndefined();
    expect(result.lines).toBe(1520);
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 60_000);

  it('a line a crash left half-written is cut off (and reported) before the next event, so the chain stays whole', async () => {
    const file = auditFile();
    const first = new AuditLog(file, null);
    await first.record(event('whole'));
    await first.close();
    appendFileSync(file, '{"eventVersion":"1.08","eventNa');
    const errors: unknown[] = [];
    const log = new AuditLog(file, null, (e) => errors.push(e));
    await log.record(event('after-crash'));
    await log.close();
    expect(verifyAuditFiles([file])).toMatchObject({ ok: true, lines: 2 });
    expect(String(errors[0])).toMatch(/partial line/);
  });

  it('a change to the file behind the writer\'s back is reported when it next appends', async () => {
    const file = auditFile();
    const errors: unknown[] = [];
    const log = new AuditLog(file, null, (e) => errors.push(e));
    await log.record(event('one'));
    await log.record(event('two'));
    // Someone edits the last line (same length or not) while the broker runs.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text.trimEnd().replace('"two"', '"TWO!!"')}\n`);
    await log.record(event('three'));
    await log.close();
    expect(errors.map(String).join(' ')).toMatch(/changed behind the broker's back|shrank/);
  });

  it('mirrors file events to the store in the background; drain waits for the mirror', async () => {
    const store = new MemoryStore();
    const log = new AuditLog(auditFile(), store);
    await log.record(event('mirrored'));
    await log.drain();
    const [stored] = await store.listAudit({ name: 'mirrored' });
    expect(JSON.parse(stored!.json)).toMatchObject({ eventName: 'mirrored', prevHash: '0'.repeat(64) });
    await log.close();
  });

  it('keeps mirror events queued while the store is down and writes them when it returns', async () => {
    const store = new FlakyStore();
    const errors: unknown[] = [];
    const log = new AuditLog(auditFile(), store, (e) => errors.push(e));
    store.down = true;
    await log.record(event('during-outage'));
    await log.drain();
    expect(errors.length).toBeGreaterThan(0);
    expect(await store.listAudit({ name: 'during-outage' })).toHaveLength(0);
    store.down = false;
    await log.drain();
    expect(await store.listAudit({ name: 'during-outage' })).toHaveLength(1);
    await log.close();
  });

  it('mirrors by itself shortly after an event, and retries by itself after a store outage', async () => {
    const store = new FlakyStore();
    const errors: unknown[] = [];
    const log = new AuditLog(auditFile(), store, (e) => errors.push(e));
    await log.record(event('soon'));
    // No drain: the mirror's own timer writes it (20 ms after the event).
    await vi.waitFor(async () => expect(await store.listAudit({ name: 'soon' })).toHaveLength(1), { timeout: 2000, interval: 10 });
    store.down = true;
    await log.record(event('later'));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 2000, interval: 10 });
    store.down = false;
    // Nothing else is recorded: the retry after the failed batch brings it in.
    await vi.waitFor(async () => expect(await store.listAudit({ name: 'later' })).toHaveLength(1), { timeout: 2000, interval: 10 });
    await log.close();
  });

  describe('without an audit file, the store is the record', () => {
    it('has the event in the store before record() resolves', async () => {
      const store = new MemoryStore();
      const log = new AuditLog(null, store);
      await Promise.all([log.record(event('x1')), log.record(event('x2'))]);
      // No drain: the write must already have happened.
      expect((await store.listAudit({ limit: 10 })).map((r) => r.name).sort()).toEqual(['x1', 'x2']);
      await log.close();
    });

    it('rejects record() when the store cannot take the event (the request fails rather than go unaudited)', async () => {
      const store = new FlakyStore();
      const errors: unknown[] = [];
      const log = new AuditLog(null, store, (e) => errors.push(e));
      store.down = true;
      await expect(log.record(event('lost'))).rejects.toThrow('store is down');
      expect(errors).toHaveLength(1);
      store.down = false;
      await log.record(event('kept'));
      expect((await store.listAudit({ limit: 10 })).map((r) => r.name)).toEqual(['kept']);
      await log.close();
    });
  });
});
