/**
 * A second fedbroker instance that plays AWS for upstream mode (upstream.md "How it is tested"): it
 * speaks the STS Query API, SigV4 and /federation, in account 111122223333, with
 *
 *   - the IAM user `broker`, whose long-term keys the first instance uses as its upstream credentials
 *     (its own policy: sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity on fedbroker-* roles);
 *   - `fedbroker-ProdAdmin`, whose trust policy allows that user sts:AssumeRole and
 *     sts:SetSourceIdentity only with a source identity, and sts:TagSession only for the tag keys
 *     Department and Project (transitive or not); its permissions read s3 objects of its department;
 *   - `fedbroker-Untrusting`, whose trust policy names another user (the broker is refused);
 *   - the storage service user that may ask /authorize.
 *
 *   const aws = await startAws();
 *   // upstreamBlock(aws) → the first instance's `upstream:` configuration
 */
import { askAuthorize, authorizingServiceUser } from './authorize.js';
import { startBroker, type StartedBroker } from './broker.js';
import type { Keys } from './stsHttp.js';

export const AWS_ACCOUNT = '111122223333';
/** The IAM user fedbroker runs as, in the account that plays AWS. */
export const BROKER_KEYS = { accessKeyId: 'AKIAUPSTREAMBROKER01', secretAccessKey: 'upstreamBrokerSecret/0123456789abcdefghi' } as const;
export const BROKER_USER_ARN = `arn:aws:iam::${AWS_ACCOUNT}:user/broker`;
export const awsRoleArn = (name: string): string => `arn:aws:iam::${AWS_ACCOUNT}:role/${name}`;
export const PROD_ADMIN = awsRoleArn('fedbroker-ProdAdmin');
export const UNTRUSTING = awsRoleArn('fedbroker-Untrusting');

const ASSUME = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

export const brokerUser = {
  name: 'broker',
  accessKeys: [{ id: BROKER_KEYS.accessKeyId, secret: BROKER_KEYS.secretAccessKey }],
  inlinePolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ASSUME, Resource: `arn:aws:iam::${AWS_ACCOUNT}:role/fedbroker-*` }] }],
};

export const prodAdminTrust = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: BROKER_USER_ARN }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Condition: { Null: { 'sts:SourceIdentity': 'false' } } },
    { Effect: 'Allow', Principal: { AWS: BROKER_USER_ARN }, Action: 'sts:TagSession', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Department', 'Project'] } } },
  ],
};

/** s3:GetObject where the object's Department tag is the session's. */
const departmentRead = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Department': '${aws:PrincipalTag/Department}' } } }],
};

export function awsConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    account: { id: AWS_ACCOUNT },
    roles: [
      { name: 'fedbroker-ProdAdmin', maxSessionDuration: 43200, trustPolicy: prodAdminTrust, inlinePolicies: [departmentRead] },
      {
        name: 'fedbroker-Untrusting',
        trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${AWS_ACCOUNT}:user/someone-else` }, Action: ASSUME }] },
      },
    ],
    users: [brokerUser, authorizingServiceUser],
    ...extra,
  };
}

export function startAws(extra: Record<string, unknown> = {}): Promise<StartedBroker> {
  return startBroker(awsConfig(extra));
}

/** The first instance's `upstream:` block, pointed at the instance that plays AWS. */
export function upstreamBlock(aws: Pick<StartedBroker, 'url'>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: 'us-east-1',
    stsEndpoint: aws.url,
    federationEndpoint: `${aws.url}/federation`,
    consoleUrl: `${aws.url}/console`,
    credentials: { accessKeyId: BROKER_KEYS.accessKeyId, secretAccessKey: BROKER_KEYS.secretAccessKey },
    timeoutMs: 3000,
    ...extra,
  };
}

/** What the instance playing AWS knows about upstream credentials: principal (tags, source identity) and an ABAC decision. */
export async function awsView(aws: Pick<StartedBroker, 'url'>, subject: Keys, department = 'Engineering'): Promise<{ decision: string; principal: Record<string, any> }> {
  const { status, json } = await askAuthorize(aws.url, {
    credentials: { accessKeyId: subject.accessKeyId, secretAccessKey: subject.secretAccessKey, sessionToken: subject.sessionToken },
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::reports/q1.csv',
    context: { 'aws:ResourceTag/Department': department },
  });
  if (status !== 200) throw new Error(`/authorize answered ${status}: ${JSON.stringify(json)}`);
  return { decision: json['decision'] as string, principal: json['principal'] as Record<string, any> };
}
