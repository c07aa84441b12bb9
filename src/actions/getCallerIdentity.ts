/**
 * GetCallerIdentity: who signed this request. Always allowed — no policy can deny it (AWS model docs) —
 * so it is also the standard way for a service to learn who a client is from a presigned request.
 */
import { InternalFailure } from '../errors.js';
import { defineAction } from '../protocol/action.js';

export function getCallerIdentity() {
  return defineAction({
    name: 'GetCallerIdentity',
    service: 'sts',
    auth: 'sigv4',
    audit: 'failures',
    params: {},
    async handle({ caller }) {
      if (caller === undefined) throw new InternalFailure();
      return { UserId: caller.userId, Account: caller.account, Arn: caller.arn };
    },
  });
}
