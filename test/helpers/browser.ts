/**
 * A minimal browser for the console flows: real HTTP through fetch with `redirect: 'manual'`, a cookie
 * jar (name → value; every broker cookie is Path=/ on one host), and helpers that read the pages the
 * way a person would — the forms with their hidden fields, the text shown.
 *
 *   const b = new Browser(broker.url);
 *   const page = await b.post('/saml', { SAMLResponse });   // cookies sent and stored
 *   const [form] = forms(page.body, '/signin/role');        // { action, fields }
 *   await b.post(form.action, { ...form.fields });
 */

export interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** The Location header, when any. */
  readonly location: string | undefined;
  /** Raw Set-Cookie headers of this response. */
  readonly setCookies: readonly string[];
}

export interface RequestOptions {
  /**
   * Send the jar's cookies (default true). false = a request that carries no cookie; 'cross-site' = a
   * cross-site POST (an IdP's auto-submitting form): only SameSite=None cookies go.
   */
  readonly cookies?: boolean | 'cross-site';
  readonly headers?: Record<string, string>;
}

export class Browser {
  private readonly jar = new Map<string, string>();
  /** Names of the cookies set with SameSite=None (sent on cross-site requests too). */
  private readonly sameSiteNone = new Set<string>();

  constructor(readonly base: string) {}

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, value);
  }

  deleteCookie(name: string): void {
    this.jar.delete(name);
    this.sameSiteNone.delete(name);
  }

  cookieNames(): string[] {
    return [...this.jar.keys()];
  }

  get(path: string, options: RequestOptions = {}): Promise<Page> {
    return this.send('GET', path, undefined, options);
  }

  post(path: string, form: Record<string, string>, options: RequestOptions = {}): Promise<Page> {
    return this.send('POST', path, new URLSearchParams(form).toString(), options);
  }

  /** Follows a same-origin redirect (GET). */
  follow(page: Page, options: RequestOptions = {}): Promise<Page> {
    if (page.location === undefined) throw new Error(`not a redirect: ${page.status}`);
    const url = new URL(page.location, this.base);
    if (url.origin !== new URL(this.base).origin) throw new Error(`redirect leaves the broker: ${page.location}`);
    return this.get(url.pathname + url.search, options);
  }

  private async send(method: string, path: string, body: string | undefined, options: RequestOptions): Promise<Page> {
    const headers: Record<string, string> = { 'user-agent': 'fedbroker-test-browser', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const sent = [...this.jar].filter(([k]) => options.cookies !== 'cross-site' || this.sameSiteNone.has(k));
    if (options.cookies !== false && sent.length > 0) {
      headers['cookie'] = sent.map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const res = await fetch(new URL(path, this.base), { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    if (options.cookies !== false) for (const c of setCookies) this.store(c);
    return { status: res.status, headers: res.headers, body: await res.text(), location: res.headers.get('location') ?? undefined, setCookies };
  }

  private store(header: string): void {
    const [pair, ...attributes] = header.split(';');
    const eq = pair!.indexOf('=');
    if (eq < 0) return;
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const maxAge = attributes.map((a) => /^\s*max-age=(-?\d+)\s*$/i.exec(a)?.[1]).find((v) => v !== undefined);
    if (value === '' || (maxAge !== undefined && Number(maxAge) <= 0)) this.deleteCookie(name);
    else {
      this.jar.set(name, value);
      if (attributes.some((a) => /^\s*samesite=none\s*$/i.test(a))) this.sameSiteNone.add(name);
      else this.sameSiteNone.delete(name);
    }
  }
}

/** The attributes of one Set-Cookie header, lower-cased names (`{ name, value, httponly: '', samesite: 'Lax', … }`). */
export function parseSetCookie(header: string): { name: string; value: string; attributes: Map<string, string> } {
  const [pair, ...rest] = header.split(';');
  const eq = pair!.indexOf('=');
  const attributes = new Map<string, string>();
  for (const a of rest) {
    const i = a.indexOf('=');
    attributes.set((i < 0 ? a : a.slice(0, i)).trim().toLowerCase(), i < 0 ? '' : a.slice(i + 1).trim());
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1).trim(), attributes };
}

/** The Set-Cookie header that sets `name` to a non-empty value, if any. */
export function cookieSet(setCookies: readonly string[], name: string): ReturnType<typeof parseSetCookie> | undefined {
  return setCookies.map(parseSetCookie).find((c) => c.name === name && c.value !== '');
}

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!);
}

export interface Form {
  readonly action: string;
  readonly method: string;
  /** Every input with a name and a value (hidden fields), unescaped. */
  readonly fields: Record<string, string>;
}

/** The forms of a page (optionally only those posting to `action`). */
export function forms(html: string, action?: string): Form[] {
  const out: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    const fields: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const name = /\bname="([^"]*)"/.exec(input[1]!)?.[1];
      const value = /\bvalue="([^"]*)"/.exec(input[1]!)?.[1];
      if (name !== undefined && value !== undefined) fields[unescapeHtml(name)] = unescapeHtml(value);
    }
    const form = { action: unescapeHtml(/\baction="([^"]*)"/.exec(attrs)?.[1] ?? ''), method: (/\bmethod="([^"]*)"/.exec(attrs)?.[1] ?? 'get').toLowerCase(), fields };
    if (action === undefined || form.action === action) out.push(form);
  }
  return out;
}

/** The one form posting to `action` (throws when there is none, or several). */
export function form(html: string, action: string): Form {
  const found = forms(html, action);
  if (found.length !== 1) throw new Error(`expected one form posting to ${action}, found ${found.length} in:\n${html.slice(0, 3000)}`);
  return found[0]!;
}

/** The page's text without tags (entities decoded), white space collapsed. */
export function pageText(html: string): string {
  return unescapeHtml(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}
