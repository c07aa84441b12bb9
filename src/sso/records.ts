/**
 * JSON records in the store with atomic updates (read → compute → compare-and-set, again when another
 * instance won): the state machines of device authorizations and CLI sessions are built on it, so
 * every transition happens once across all instances sharing the store.
 */
import { ServiceUnavailable } from '../errors.js';
import type { Store } from '../store/types.js';

/** Attempts before giving up on a record that keeps changing under us (never reached in practice). */
const MAX_ATTEMPTS = 20;

export interface Stored<T> {
  readonly value: T;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export class JsonRecords<T extends { readonly expiresAt: number }> {
  constructor(
    private readonly store: Store,
    private readonly ns: string,
  ) {}

  async get(key: string): Promise<T | undefined> {
    const text = await this.store.getItem(this.ns, key);
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  /** Creates the record when no live one has this key; false otherwise. */
  create(key: string, value: T): Promise<boolean> {
    return this.store.replaceItem(this.ns, key, null, JSON.stringify(value), value.expiresAt);
  }

  /**
   * Applies `next` atomically. `next` returns the new record, or undefined to change nothing; it may
   * run several times (on a concurrent change), so it must be pure. Resolves with the record as it is
   * afterwards (new or unchanged) and whether this call changed it; undefined when there is none.
   */
  async update(key: string, next: (current: T) => T | undefined): Promise<{ readonly record: T; readonly changed: boolean } | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const text = await this.store.getItem(this.ns, key);
      if (text === null) return undefined;
      const current = JSON.parse(text) as T;
      const updated = next(current);
      if (updated === undefined) return { record: current, changed: false };
      if (await this.store.replaceItem(this.ns, key, text, JSON.stringify(updated), updated.expiresAt)) return { record: updated, changed: true };
    }
    throw new ServiceUnavailable('The record kept changing; try again');
  }
}
