/**
 * IAM users with a path (`/team/`): their ARN carries it everywhere — GetCallerIdentity with long-term
 * keys, with GetSessionToken credentials, and as the calling user of GetFederationToken sessions.
 */
import { GetCallerIdentityCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBroker, TEST_ACCOUNT, type StartedBroker } from '../helpers/broker.js';
import { stsClient, temporary } from '../helpers/iamSts.js';

let b: StartedBroker;
const keys = { accessKeyId: 'AKIAPATHUSER00000001', secretAccessKey: 'path-user-secret-000000000000000000000000' };

beforeAll(async () => {
  b = await startBroker({
    store: 'memory:',
    users: [
      {
        name: 'dana',
        path: '/team/',
        accessKeys: [{ id: keys.accessKeyId, secret: keys.secretAccessKey }],
        inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetFederationToken', Resource: '*' }] }],
      },
    ],
  });
});
afterAll(async () => b?.close());

it('keeps the user path in every ARN', async () => {
  const who = await stsClient(b.url, keys).send(new GetCallerIdentityCommand({}));
  expect(who.Arn).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/team/dana`);
  expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);

  const session = await stsClient(b.url, keys).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  const again = await stsClient(b.url, temporary(session.Credentials)).send(new GetCallerIdentityCommand({}));
  expect(again.Arn).toBe(`arn:aws:iam::${TEST_ACCOUNT}:user/team/dana`);
  expect(again.UserId).toBe(who.UserId);

  const fed = await stsClient(b.url, keys).send(new GetFederationTokenCommand({ Name: 'guest' }));
  const federated = await stsClient(b.url, temporary(fed.Credentials)).send(new GetCallerIdentityCommand({}));
  expect(federated.Arn).toBe(`arn:aws:sts::${TEST_ACCOUNT}:federated-user/guest`);
  expect(federated.UserId).toBe(`${TEST_ACCOUNT}:guest`);
});
