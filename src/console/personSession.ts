/**
 * The access portal's session: who the person is (a validated sign-in through their identity
 * provider), not which role they took — the role sessions are opened from it (console, command-line
 * access) and device approvals are given with it. The person is kept in the store (attributes and
 * claims may be larger than a cookie can hold); the cookie holds only its sealed id. Read on every
 * portal page: expired, signed out, provider disabled or subject revoked → no session.
 */
import type { Request, Response } from 'express';
import type { KeyRing } from '../keys/keyRing.js';
import { randomId } from '../sso/codes.js';
import type { Person } from '../sso/person.js';
import type { Store } from '../store/types.js';
import { clearCookie, readCookie, setCookie } from './cookies.js';

const PURPOSE = 'portal-session';
const NS = 'portal-session';
export const PORTAL_COOKIE = 'fedbroker_portal';

export interface PersonSession {
  readonly id: string;
  readonly person: Person;
}

export class PersonSessions {
  constructor(
    private readonly store: Store,
    private readonly keyRing: KeyRing,
    private readonly personValid: (person: Person, nowMs: number) => boolean,
    private readonly secure: boolean,
  ) {}

  async read(req: Request, nowMs = Date.now()): Promise<PersonSession | undefined> {
    const value = readCookie(req, PORTAL_COOKIE);
    if (value === undefined || value === '') return undefined;
    let id: string;
    try {
      const body = JSON.parse(this.keyRing.open(PURPOSE, Buffer.from(value, 'base64url')).toString('utf8')) as { v?: number; i?: unknown };
      if (body.v !== 1 || typeof body.i !== 'string') return undefined;
      id = body.i;
    } catch {
      return undefined;
    }
    const stored = await this.store.getItem(NS, id);
    if (stored === null) return undefined;
    const person = JSON.parse(stored) as Person;
    return this.personValid(person, nowMs) ? { id, person } : undefined;
  }

  /** Starts (or, after a step-up, replaces) the browser's portal session. */
  async start(req: Request, res: Response, person: Person, nowMs = Date.now()): Promise<void> {
    const previous = await this.read(req, nowMs);
    if (previous !== undefined) await this.store.takeItem(NS, previous.id);
    const id = randomId();
    await this.store.putItem(NS, id, JSON.stringify(person), person.sessionEnd * 1000);
    const sealed = this.keyRing.seal(PURPOSE, Buffer.from(JSON.stringify({ v: 1, i: id }), 'utf8')).toString('base64url');
    setCookie(res, PORTAL_COOKIE, sealed, { secure: this.secure, maxAgeSeconds: person.sessionEnd - Math.floor(nowMs / 1000) });
  }

  /** Signs out here and on every instance (the stored session is removed). */
  async end(req: Request, res: Response): Promise<Person | undefined> {
    const session = await this.read(req);
    if (session !== undefined) await this.store.takeItem(NS, session.id);
    clearCookie(res, PORTAL_COOKIE, { secure: this.secure });
    return session?.person;
  }
}
