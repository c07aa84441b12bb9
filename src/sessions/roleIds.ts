/**
 * Unique ids for roles (AROA…) and users (AIDA…): recorded in the store, so every instance and every
 * restart gives an entity the same id — and, as in AWS, an entity deleted and created again under the
 * same name gets a new one, so the sessions of the old one stay dead (sessions/sessionValidity.ts).
 *
 * The configuration is the list of entities. Each load of it (start, reload) first resolves the ids of
 * the entities it has, reading the store (not the cache: another instance may have re-created one),
 * then — once the configuration is committed — retires the ids the store still records for entities
 * it no longer has. An entity absent at some load and present at a later one (on this instance or any
 * other sharing the store, across restarts) therefore gets a fresh id. Cached in memory: after a load
 * no request touches the store for them.
 */
import { newRoleId, newUserId } from '../credentials/ids.js';
import type { Store } from '../store/types.js';

type Kind = 'role' | 'user';
const KINDS: readonly Kind[] = ['role', 'user'];
const key = (kind: Kind, arn: string) => `${kind}|${arn}`;

/** The ARNs of the roles and users of one configuration. */
export interface EntitySet {
  readonly roles: readonly string[];
  readonly users: readonly string[];
}

/** The ids of one configuration's entities, resolved but not yet in use. */
export interface ResolvedIds {
  readonly ids: ReadonlyMap<string, string>;
}

export class EntityIds {
  private cache = new Map<string, string>();

  constructor(private readonly store: Store) {}

  async roleId(roleArn: string): Promise<string> {
    return this.get('role', roleArn, newRoleId);
  }

  async userId(userArn: string): Promise<string> {
    return this.get('user', userArn, newUserId);
  }

  /** Cached value without touching the store (undefined until resolved, or when the entity is gone). */
  peek(kind: Kind, arn: string): string | undefined {
    return this.cache.get(key(kind, arn));
  }

  /** The ids of `entities` as the store records them now (new ones recorded for new entities). */
  async resolve(entities: EntitySet): Promise<ResolvedIds> {
    const entries = await Promise.all([
      ...entities.roles.map(async (arn) => [key('role', arn), await this.store.getOrCreateId('role', arn, newRoleId())] as const),
      ...entities.users.map(async (arn) => [key('user', arn), await this.store.getOrCreateId('user', arn, newUserId())] as const),
    ]);
    return { ids: new Map(entries) };
  }

  /** Use `resolved` from now on (synchronous: swapped together with the configuration it belongs to). */
  apply(resolved: ResolvedIds): void {
    this.cache = new Map(resolved.ids);
  }

  /**
   * Retire, in the store, the ids of entities the committed configuration does not have: if one comes
   * back later, it is a new entity with a new id. Only the id listed is retired (compare-and-delete),
   * so an id another instance just recorded for a re-created entity stays.
   */
  async retireAbsent(resolved: ResolvedIds): Promise<number> {
    let retired = 0;
    for (const kind of KINDS) {
      for (const { name, id } of await this.store.listIds(kind)) {
        if (!resolved.ids.has(key(kind, name)) && (await this.store.retireId(kind, name, id))) retired++;
      }
    }
    return retired;
  }

  private async get(kind: Kind, arn: string, make: () => string): Promise<string> {
    const k = key(kind, arn);
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached;
    const id = await this.store.getOrCreateId(kind, arn, make());
    this.cache.set(k, id);
    return id;
  }
}
