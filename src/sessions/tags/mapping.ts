/**
 * Beyond AWS (tags.md): a provider's `sessionTags` mapping turns any attribute or claim into a session
 * tag, so an IdP that cannot emit AWS's attributes still drives ABAC.
 *
 *   sessionTags:
 *     Department: "${saml:attr/department}"                      # whole value
 *     CostCenter: "cc-${oidc:claim/cost_center}"                 # text around a reference
 *     Team: { from: "${saml:attr/groups}", match: "^team-(.*)$" } # the value that matches, group 1
 *     transitive: [Department]
 *
 * References: `${saml:attr/NAME}` (attribute, name compared ignoring case), `${saml:nameid}`;
 * `${oidc:claim/NAME}` (a top-level claim: string, number, boolean or list of them), `${oidc:sub}`.
 * Compiled once at load (problems reported with their key path); applied per sign-in. A mapping
 * that yields no value adds no tag; one that yields several different values is refused
 * (IDPRejectedClaim): a session tag holds one value. A `match` whose matching time could grow
 * exponentially (nested quantifiers, checked with safe-regex2) is refused at load, and values over
 * 1024 characters are never matched: IdP-supplied values cannot hold the event loop.
 */
import safeRegex from 'safe-regex2';
import { z } from 'zod';
import { IDPRejectedClaim } from '../../errors.js';
import { TAG_KEY_SPEC } from '../../credentials/tagLimits.js';
import type { SessionTag } from '../../credentials/types.js';
import type { RawTags } from './sources.js';

/** Values longer than this are never matched (bounded regex work; a tag value is at most 256). */
const MAX_MATCHED_VALUE = 1024;

const source = z.union([z.string().max(1024), z.object({ from: z.string().min(1).max(1024), match: z.string().min(1).max(512).optional() }).strict()]);

/** The schema of a provider's `sessionTags` (and `transitive`, the keys that pass into chained sessions). */
export const sessionTagMappingSchema = z.object({ transitive: z.array(z.string()).optional() }).catchall(source);
export type RawSessionTagMapping = z.infer<typeof sessionTagMappingSchema>;

type Reference = { readonly kind: 'samlAttr' | 'oidcClaim'; readonly name: string } | { readonly kind: 'samlNameId' | 'oidcSub' };
type Piece = string | Reference;

interface MappingEntry {
  readonly key: string;
  readonly pieces: readonly Piece[];
  readonly match?: RegExp;
}

export interface SessionTagMapping {
  readonly entries: readonly MappingEntry[];
  readonly transitiveTagKeys: readonly string[];
  /** true: a configured tag replaces the IdP's tag of the same key (sessionTagsOverride). */
  readonly override: boolean;
}

/** What a mapping reads from: a validated assertion or a verified ID token. */
export type TagSourceIdentity =
  | { readonly type: 'saml'; readonly nameId: string; readonly attributes: ReadonlyMap<string, readonly string[]> }
  | { readonly type: 'oidc'; readonly subject: string; readonly claims: Readonly<Record<string, unknown>> };

export interface MappingIssue {
  readonly path: string;
  readonly message: string;
}

const REFERENCE = /\$\{([^}]*)\}/g;

/** Compiles a provider's mapping; problems are pushed to `issues` with paths under `path`. */
export function compileSessionTagMapping(
  raw: RawSessionTagMapping,
  providerType: 'saml' | 'oidc',
  override: boolean,
  path: string,
  issues: MappingIssue[],
): SessionTagMapping {
  const entries: MappingEntry[] = [];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'transitive' || value === undefined) continue;
    const at = `${path}.${key}`;
    if (!TAG_KEY_SPEC.pattern.test(key) || key.length > TAG_KEY_SPEC.max) {
      issues.push({ path: at, message: `is not a valid tag key (1-128 characters of ${TAG_KEY_SPEC.patternText})` });
      continue;
    }
    if (seen.has(key.toLowerCase())) {
      issues.push({ path: at, message: 'names a tag key twice (tag keys are case-insensitive)' });
      continue;
    }
    seen.add(key.toLowerCase());
    const spec = typeof value === 'string' ? { from: value } : (value as { from: string; match?: string });
    const pieces = parsePieces(spec.from, providerType, `${at}${typeof value === 'string' ? '' : '.from'}`, issues);
    let match: RegExp | undefined;
    if (spec.match !== undefined) {
      try {
        match = new RegExp(spec.match, 'u');
      } catch (e) {
        issues.push({ path: `${at}.match`, message: `is not a valid regular expression: ${(e as Error).message}` });
        continue;
      }
      if (!safeRegex(match)) {
        issues.push({ path: `${at}.match`, message: 'could take exponential time on some values (nested quantifiers such as (a+)+); simplify it' });
        continue;
      }
    }
    if (pieces !== undefined) entries.push({ key, pieces, ...(match !== undefined ? { match } : {}) });
  }
  const transitiveTagKeys: string[] = [];
  (raw.transitive ?? []).forEach((k, i) => {
    const entry = entries.find((e) => e.key.toLowerCase() === k.toLowerCase());
    if (entry === undefined) issues.push({ path: `${path}.transitive[${i}]`, message: `${k} is not a tag of this mapping` });
    else transitiveTagKeys.push(entry.key);
  });
  return { entries, transitiveTagKeys, override };
}

function parsePieces(text: string, providerType: 'saml' | 'oidc', path: string, issues: MappingIssue[]): Piece[] | undefined {
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(REFERENCE)) {
    if (m.index > last) pieces.push(text.slice(last, m.index));
    const ref = parseReference(m[1]!.trim(), providerType);
    if (ref === undefined) {
      const allowed = providerType === 'saml' ? '${saml:attr/NAME} or ${saml:nameid}' : '${oidc:claim/NAME} or ${oidc:sub}';
      issues.push({ path, message: `unknown reference \${${m[1]}} for ${providerType === 'saml' ? 'a SAML' : 'an OIDC'} provider (use ${allowed})` });
      return undefined;
    }
    pieces.push(ref);
    last = m.index + m[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}

function parseReference(ref: string, providerType: 'saml' | 'oidc'): Reference | undefined {
  const lower = ref.toLowerCase();
  if (providerType === 'saml') {
    if (lower.startsWith('saml:attr/') && ref.length > 10) return { kind: 'samlAttr', name: ref.slice(10) };
    if (lower === 'saml:nameid' || lower === 'saml:sub') return { kind: 'samlNameId' };
    return undefined;
  }
  if (lower.startsWith('oidc:claim/') && ref.length > 11) return { kind: 'oidcClaim', name: ref.slice(11) };
  if (lower === 'oidc:sub') return { kind: 'oidcSub' };
  return undefined;
}

/** The tags a mapping yields for one identity (limits are checked by the caller, with the IdP's tags). */
export function applySessionTagMapping(mapping: SessionTagMapping, identity: TagSourceIdentity): RawTags {
  const tags: SessionTag[] = [];
  for (const entry of mapping.entries) {
    const values = entryValues(entry, identity);
    const distinct = [...new Set(values)];
    if (distinct.length === 0) continue;
    if (distinct.length > 1) {
      throw new IDPRejectedClaim(`The sessionTags mapping of ${entry.key} yields ${distinct.length} different values for this identity; a session tag holds one value (narrow it with match)`);
    }
    tags.push({ key: entry.key, value: distinct[0]! });
  }
  const present = new Set(tags.map((t) => t.key));
  return { tags, transitiveTagKeys: mapping.transitiveTagKeys.filter((k) => present.has(k)) };
}

function entryValues(entry: MappingEntry, identity: TagSourceIdentity): string[] {
  let values: string[];
  if (entry.pieces.length === 1 && typeof entry.pieces[0] !== 'string') {
    values = lookup(entry.pieces[0]!, identity);
  } else {
    // Text around references: every reference must have exactly one value.
    let text = '';
    for (const piece of entry.pieces) {
      if (typeof piece === 'string') text += piece;
      else {
        const found = lookup(piece, identity);
        if (found.length !== 1) return [];
        text += found[0];
      }
    }
    values = [text];
  }
  if (entry.match === undefined) return values;
  const out: string[] = [];
  for (const v of values) {
    if (v.length > MAX_MATCHED_VALUE) continue;
    const m = entry.match.exec(v);
    if (m !== null) out.push(m[1] ?? m[0]);
  }
  return out;
}

function lookup(ref: Reference, identity: TagSourceIdentity): string[] {
  if (identity.type === 'saml') {
    if (ref.kind === 'samlNameId') return [identity.nameId];
    if (ref.kind !== 'samlAttr') return [];
    const exact = identity.attributes.get(ref.name);
    if (exact !== undefined) return [...exact];
    const lower = ref.name.toLowerCase();
    for (const [name, values] of identity.attributes) if (name.toLowerCase() === lower) return [...values];
    return [];
  }
  if (ref.kind === 'oidcSub') return [identity.subject];
  if (ref.kind !== 'oidcClaim') return [];
  const value = identity.claims[ref.name];
  const scalar = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
  if (Array.isArray(value)) return value.map(scalar).filter((v): v is string => v !== undefined);
  const one = scalar(value);
  return one === undefined ? [] : [one];
}

/**
 * The IdP's tags and the configured ones together: on a key both name (ignoring case) the IdP's
 * wins, or the configured one with `override`. Transitive keys of both apply to whichever tag stays.
 */
export function mergeMappedTags(idp: RawTags, configured: RawTags, override: boolean): RawTags {
  if (configured.tags.length === 0) return idp;
  const [first, second] = override ? [configured, idp] : [idp, configured];
  const lowers = new Set(first.tags.map((t) => t.key.toLowerCase()));
  return {
    tags: [...first.tags, ...second.tags.filter((t) => !lowers.has(t.key.toLowerCase()))],
    transitiveTagKeys: [...first.transitiveTagKeys, ...second.transitiveTagKeys],
  };
}
