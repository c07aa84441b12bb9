/**
 * Principal / NotPrincipal matching (G17136–G17400).
 *
 * - `"*"` or `{"AWS": "*"}`: every caller.
 * - `"AWS"`: an account (`123456789012`, or any value that is not an ARN — placeholders such as
 *   `ACCOUNT-B-ID` stay usable) or `arn:<partition>:iam::<account>:root` matches every caller of that
 *   account; any other ARN matches a caller whose `arns` contain it exactly (case-sensitive, no wildcards).
 * - `"Federated"` equals `principal.federated` — for an OpenID provider either its ARN
 *   (`arn:aws:iam::123456789012:oidc-provider/accounts.google.com`) or its bare name, the form the
 *   guide's web identity examples use (`"Federated": "accounts.google.com"`, G7807, G17211);
 *   `"Service"` equals `principal.service`;
 *   `"CanonicalUser"` (S3 only) never matches.
 * - NotPrincipal is hierarchical (G17338–G17398): a caller is excluded only when its whole chain is
 *   listed — the account (id or root ARN) and every one of its ARNs (session, role / user).
 * - A request without a principal (anonymous) matches no Principal, and every NotPrincipal.
 */
import type { RequestPrincipal } from '../types.js';

export type PrincipalType = 'AWS' | 'Federated' | 'Service' | 'CanonicalUser';

export interface PrincipalBlock {
  readonly negated: boolean;
  /** `"*"` or an `"AWS": "*"` entry. */
  readonly everyone: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly arns: ReadonlySet<string>;
  readonly federated: ReadonlySet<string>;
  readonly services: ReadonlySet<string>;
  /** As written, for summaries: `'*'` or the entries by type. */
  readonly written: '*' | Readonly<Partial<Record<PrincipalType, readonly string[]>>>;
}

const ROOT_ARN = /^arn:[^:]+:iam::([^:]+):root$/;

export function compilePrincipal(
  negated: boolean,
  written: '*' | Readonly<Partial<Record<PrincipalType, readonly string[]>>>,
): PrincipalBlock {
  const accounts = new Set<string>();
  const arns = new Set<string>();
  let everyone = written === '*';
  if (written !== '*') {
    for (const value of written.AWS ?? []) {
      if (value === '*') everyone = true;
      else if (!value.startsWith('arn:')) accounts.add(value);
      else {
        const root = ROOT_ARN.exec(value);
        if (root) accounts.add(root[1]!);
        else arns.add(value);
      }
    }
  }
  return {
    negated,
    everyone,
    accounts,
    arns,
    federated: new Set(written === '*' ? [] : (written.Federated ?? [])),
    services: new Set(written === '*' ? [] : (written.Service ?? [])),
    written,
  };
}

export function principalMatches(block: PrincipalBlock, principal: RequestPrincipal | undefined): boolean {
  if (principal === undefined) return block.negated;
  return block.negated ? !isExcluded(block, principal) : isNamed(block, principal);
}

/**
 * Does a Principal (not NotPrincipal) name this caller itself — `*`, one of its ARNs, its provider or
 * service — rather than only its account? An account entry delegates to the account's own policies
 * (G17160, G8922), so it lets a resource policy allow but not grant on its own.
 */
export function principalNamesCaller(block: PrincipalBlock, principal: RequestPrincipal | undefined): boolean {
  if (principal === undefined || block.negated) return false;
  if (block.everyone) return true;
  if (principal.arns !== undefined) {
    for (const arn of principal.arns) if (block.arns.has(arn)) return true;
  }
  if (principal.federated !== undefined && namesProvider(block, principal.federated)) return true;
  return principal.service !== undefined && block.services.has(principal.service);
}

/**
 * Does a Principal name the caller's own session — its first ARN (the assumed-role or federated-user
 * ARN of a session, an IAM user's ARN)? Such a grant is not filtered by session policies or a
 * permissions boundary (AWS adds it after the session was created).
 */
export function principalNamesSession(block: PrincipalBlock, principal: RequestPrincipal | undefined): boolean {
  const own = principal?.arns?.[0];
  return own !== undefined && !block.negated && block.arns.has(own);
}

/** Principal: one entry names the caller. */
function isNamed(block: PrincipalBlock, p: RequestPrincipal): boolean {
  if (block.everyone) return true;
  if (p.account !== undefined && block.accounts.has(p.account)) return true;
  if (p.arns !== undefined) {
    for (const arn of p.arns) if (block.arns.has(arn)) return true;
  }
  if (p.federated !== undefined && namesProvider(block, p.federated)) return true;
  return p.service !== undefined && block.services.has(p.service);
}

/** NotPrincipal: the caller's whole hierarchy is listed. */
function isExcluded(block: PrincipalBlock, p: RequestPrincipal): boolean {
  if (block.everyone) return true;
  if (p.federated !== undefined && namesProvider(block, p.federated)) return true;
  if (p.service !== undefined && block.services.has(p.service)) return true;
  const arns = p.arns ?? [];
  if (p.account === undefined && arns.length === 0) return false;
  if (p.account !== undefined && !block.accounts.has(p.account)) return false;
  for (const arn of arns) if (!block.arns.has(arn)) return false;
  return true;
}

const OIDC_PROVIDER_ARN = /^arn:[^:]+:iam::\d{12}:oidc-provider\/(.+)$/;

/** A Federated entry names this provider: by its ARN, or (OpenID providers) by its bare name. */
function namesProvider(block: PrincipalBlock, federated: string): boolean {
  if (block.federated.has(federated)) return true;
  const name = OIDC_PROVIDER_ARN.exec(federated)?.[1];
  return name !== undefined && block.federated.has(name);
}
