/**
 * IP addresses and CIDR blocks for IpAddress / NotIpAddress (G17828): IPv4 and IPv6, a bare address
 * meaning /32 or /128, IPv6 hex case-insensitive. IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a
 * dual-stack socket reports) counts as the IPv4 address on both sides; otherwise an IPv4 address
 * only meets IPv4 blocks and an IPv6 address IPv6 blocks (`::/0` is "any IPv6", not "anything").
 * Addresses are held as 128 bits (four 32-bit words), IPv4 in its mapped form.
 */

export interface Cidr {
  readonly v4: boolean;
  /** Network address, host bits cleared. */
  readonly words: Uint32Array;
  /** Prefix length on the 128-bit form (an IPv4 /24 is /120). */
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (m === null) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return undefined; // no octal-looking parts
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Groups of one side of `::` (the last group may be a dotted IPv4 address). */
function parseGroups(half: string, allowIpv4Tail: boolean): number[] | undefined {
  if (half === '') return [];
  const parts = half.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

/** Writes the address into `out` (4 words); returns its family, or undefined when invalid. */
function parseAddress(text: string, out: Uint32Array): 'v4' | 'v6' | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0xffff;
    out[3] = v4;
    return 'v4';
  }
  if (!text.includes(':')) return undefined;
  const halves = text.split('::');
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]!, false);
    const tail = parseGroups(halves[1]!, true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else if (halves.length === 1) {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    return undefined;
  }
  for (let i = 0; i < 4; i++) out[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  return 'v6';
}

function isMapped(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

function wordMask(prefix: number, word: number): number {
  const bits = Math.min(32, Math.max(0, prefix - word * 32));
  return bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses `a.b.c.d[/n]` or an IPv6 address `[/n]`; undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const words = new Uint32Array(4);
  const family = parseAddress(address, words);
  if (family === undefined) return undefined;
  const max = family === 'v4' ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  if (family === 'v4') prefix += 96;
  for (let i = 0; i < 4; i++) words[i] = (words[i]! & wordMask(prefix, i)) >>> 0;
  // A mapped block (::ffff:192.0.2.0/120) is an IPv4 block; a wider one stays IPv6.
  const v4 = family === 'v4' || (prefix >= 96 && isMapped(words));
  return { v4, words, prefix };
}

const scratch = new Uint32Array(4);

/** Is the request address `text` inside one of the blocks? False when `text` is not an address. */
export function ipInAny(text: string, blocks: readonly Cidr[]): boolean {
  const family = parseAddress(text, scratch);
  if (family === undefined) return false;
  const v4 = family === 'v4' || isMapped(scratch);
  for (const block of blocks) {
    if (block.v4 !== v4) continue;
    let inside = true;
    for (let i = 0; i < 4 && inside; i++) {
      if (((scratch[i]! & wordMask(block.prefix, i)) >>> 0) !== block.words[i]) inside = false;
    }
    if (inside) return true;
  }
  return false;
}
