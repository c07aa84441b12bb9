/**
 * The accounts roles live in (upstream.md, sso.md): this broker's own account for local roles, the AWS
 * account of each upstream role, named by the `accounts:` configuration. The one place that names
 * them — the role picker and the access portal alike.
 */
import type { BrokerModel, RoleModel } from '../config/model.js';

export interface RoleAccount {
  readonly accountId: string;
  readonly accountName: string;
  readonly emailAddress?: string;
}

/** The configured name of an account, if any. */
export function accountName(model: BrokerModel, accountId: string): string | undefined {
  return model.config.accounts.find((a) => a.id === accountId)?.name;
}

/**
 * How the picker names a role's account: its configured name; the bare id for an unnamed account
 * other than this broker's; nothing for this broker's own unnamed account (every role is there).
 */
export function roleAccountLabel(model: BrokerModel, role: RoleModel): string | undefined {
  return accountName(model, role.account) ?? (role.account !== model.account ? role.account : undefined);
}

/** The accounts of these roles, named from the configuration, sorted by name then id. */
export function accountsOfRoles(model: BrokerModel, roles: readonly RoleModel[]): RoleAccount[] {
  const named = new Map(model.config.accounts.map((a) => [a.id, a]));
  return [...new Set(roles.map((r) => r.account))]
    .map((accountId) => {
      const entry = named.get(accountId);
      return { accountId, accountName: entry?.name ?? accountId, ...(entry?.emailAddress !== undefined ? { emailAddress: entry.emailAddress } : {}) };
    })
    .sort((a, b) => a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId));
}
