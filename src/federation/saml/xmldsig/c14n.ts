/**
 * Exclusive XML Canonicalization of a signed element and of a SignedInfo, with xml-crypto's own
 * implementation (the one node-saml uses) run directly on the broker's single parse: no re-parse,
 * no XPath, and the DOM is never changed.
 *
 * - The enveloped-signature transform is applied by leaving the one Signature out of the output
 *   (what xml-crypto does by removing it from a deep copy).
 * - A same-document barename reference (`URI="#id"`) never includes comments (XML-DSig §4.4.3.3), so
 *   a signed element is canonicalised without comments whichever exclusive variant its Reference
 *   names; SignedInfo keeps them when its CanonicalizationMethod is `#WithComments`.
 * - An InclusiveNamespaces PrefixList (rare) is applied the way xml-crypto applies it, on a copy of
 *   the element: the prefixes listed that an ancestor declares are declared on the copy first.
 */
import type { Element, Node } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, ExclusiveCanonicalizationWithComments } from 'xml-crypto';
import { isElement } from '../xml.js';

/** Never consulted: every prefix in a document the strict parser accepted is bound. */
const NO_DEFAULT_PREFIXES: Record<string, string> = Object.create(null) as Record<string, string>;

type Inner = (node: Node, prefixesInScope: unknown[], defaultNs: string, defaultNsForPrefix: Record<string, string>, prefixList: string[]) => string;

/** xml-crypto's exclusive canonicaliser, leaving out one node (the enveloped Signature). */
class EnvelopedExclusiveCanonicalization extends ExclusiveCanonicalization {
  constructor(private readonly excluded: Node) {
    super();
  }

  override processInner(...args: Parameters<Inner>): string {
    return args[0] === this.excluded ? '' : (super.processInner as Inner)(...args);
  }
}

/** The octets the Reference digests: `signed` without `signature`, exclusive c14n, no comments. */
export function canonicalizeEnveloped(signed: Element, signature: Element, prefixList: readonly string[]): string {
  if (prefixList.length === 0) return new EnvelopedExclusiveCanonicalization(signature).processInner(signed, [], '', NO_DEFAULT_PREFIXES, []);
  const copy = signed.cloneNode(true) as Element;
  const index = indexAmongChildren(signed, signature);
  return new EnvelopedExclusiveCanonicalization(copy.childNodes.item(index)!).process(copy as never, {
    inclusiveNamespacesPrefixList: [...prefixList],
    ancestorNamespaces: ancestorNamespaces(signed),
    defaultNsForPrefix: NO_DEFAULT_PREFIXES,
  });
}

/** The octets the SignatureValue signs: SignedInfo, exclusive c14n (with comments when asked). */
export function canonicalizeSignedInfo(signedInfo: Element, withComments: boolean, prefixList: readonly string[]): string {
  const c14n = withComments ? new ExclusiveCanonicalizationWithComments() : new ExclusiveCanonicalization();
  if (prefixList.length === 0) return c14n.processInner(signedInfo, [], '', NO_DEFAULT_PREFIXES, []);
  return c14n.process(signedInfo.cloneNode(true) as never, {
    inclusiveNamespacesPrefixList: [...prefixList],
    ancestorNamespaces: ancestorNamespaces(signedInfo),
    defaultNsForPrefix: NO_DEFAULT_PREFIXES,
  });
}

function indexAmongChildren(parent: Element, child: Node): number {
  let i = 0;
  for (let n = parent.firstChild; n; n = n.nextSibling, i++) if (n === child) return i;
  throw new Error('the signature is not a child of the signed element');
}

/**
 * Namespace declarations in scope from the ancestors of `el` (nearest first, one per prefix, no
 * undeclarations, none for a prefix `el` itself declares or uses): xml-crypto's findAncestorNs.
 */
function ancestorNamespaces(el: Element): { prefix: string; namespaceURI: string }[] {
  const own = new Set<string>([el.prefix ?? '']);
  for (const { name } of declarations(el)) own.add(name);
  const seen = new Set<string>();
  const out: { prefix: string; namespaceURI: string }[] = [];
  for (let p = el.parentNode; isElement(p); p = p.parentNode) {
    for (const { name, value } of declarations(p)) {
      if (seen.has(name)) continue;
      seen.add(name);
      if (value !== '' && !own.has(name)) out.push({ prefix: name, namespaceURI: value });
    }
  }
  return out;
}

/** The namespace declarations on one element: prefix ('' for the default) and URI. */
function declarations(el: Element): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes.item(i)!;
    if (a.name === 'xmlns') out.push({ name: '', value: a.value });
    else if (a.name.startsWith('xmlns:')) out.push({ name: a.name.slice(6), value: a.value });
  }
  return out;
}
