/**
 * Who approves a command-line sign-in: the person signed in to the portal — with MFA when
 * `sso.requireMfa` (IdP MFA from their sign-in, or fedbroker's step-up, chosen in the sign-in flow).
 * When there is none yet, the page that leads there is sent instead (sign in, then step up), and the
 * person comes back to `continueTo` afterwards.
 */
import type { Request, Response } from 'express';
import type { Broker } from '../broker.js';
import type { Person } from '../sso/person.js';
import { signinNeededPage } from './approvalPages.js';
import type { PersonSessions } from './personSession.js';
import { providerLinks } from './providerLinks.js';
import type { SigninFlow } from './signinFlow.js';

export type Approver = (req: Request, res: Response, continueTo: string) => Promise<Person | undefined>;

export function approver(broker: Broker, flow: SigninFlow, persons: PersonSessions): Approver {
  return async (req, res, continueTo) => {
    const session = await persons.read(req);
    if (session === undefined) {
      flow.page(res, 200, signinNeededPage('Sign in to approve', 'A command-line tool asked to sign in as you. Sign in first; then you can check what asks and allow or deny it.', providerLinks(broker.model, continueTo)));
      return undefined;
    }
    if (broker.sso.settings().requireMfa && session.person.mfa === undefined) {
      await flow.stepUp(req, res, session.person, `${broker.loaded.publicUrl}${continueTo}`);
      return undefined;
    }
    return session.person;
  };
}
