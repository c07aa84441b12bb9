/**
 * Stable unique ids for roles (AROA…) and users (AIDA…): recorded in the store on first use so every
 * instance, and every restart, gives a role the same id (AssumedRoleId, aws:userid). Cached in memory:
 * after warm-up no request touches the store for them.
 */
import { newRoleId, newUserId } from '../credentials/ids.js';
import type { Store } from '../store/types.js';

export class EntityIds {
  private readonly cache = new Map<string, string>();

  constructor(private readonly store: Store) {}

  async roleId(roleArn: string): Promise<string> {
    return this.get('role', roleArn, newRoleId);
  }

  async userId(userArn: string): Promise<string> {
    return this.get('user', userArn, newUserId);
  }

  /** Cached value without touching the store (undefined until first resolved). */
  peek(kind: 'role' | 'user', arn: string): string | undefined {
    return this.cache.get(`${kind}|${arn}`);
  }

  private async get(kind: 'role' | 'user', arn: string, make: () => string): Promise<string> {
    const key = `${kind}|${arn}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const id = await this.store.getOrCreateId(kind, arn, make());
    this.cache.set(key, id);
    return id;
  }
}
