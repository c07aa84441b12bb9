/**
 * The end of a browser sign-in to a local role: a console session of this broker (cookie), the
 * sign-in's roles remembered for switching, then the allow-listed destination or /console.
 */
import type { LocalConsoleOpener } from '../sessions/issuer.js';
import type { Store } from '../store/types.js';
import { rememberConsoleRoles, type ConsoleSessions } from './consoleSession.js';

export function localConsole(store: Store, sessions: ConsoleSessions, publicUrl: () => string): LocalConsoleOpener {
  return async (session, request) => {
    await rememberConsoleRoles(store, session.claims, request.offeredRoles);
    const loginTo = `${publicUrl()}/console`;
    return {
      loginTo,
      url: request.destination ?? loginTo,
      start(res) {
        sessions.start(res, session.sessionToken, session.claims);
      },
    };
  };
}
