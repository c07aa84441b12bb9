/**
 * The policy grammar as AWS validates it: a corpus of policy documents with the outcome AWS gives —
 * accepted, or refused with AWS's message (MalformedPolicyDocument). The documents and outcomes are
 * those recorded against IAM (CreatePolicy) by the moto and LocalStack projects, plus the cases issue 8
 * names; rules in docs/decisions.md "Policy grammar". Session, identity and boundary policies share
 * this grammar; `broker` marks the few places where the broker deliberately answers otherwise.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicySyntaxError, type PolicyKind } from '../../src/policy/index.js';

const V = '2012-10-17';
const BUCKET = 'arn:aws:s3:::example_bucket';
const LIST = { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET };
const one = (statement: unknown, extra: object = {}) => ({ Version: V, Statement: statement, ...extra });
const withCondition = (condition: unknown) => one({ ...LIST, Condition: condition });

interface Case {
  readonly name: string;
  readonly document: unknown;
  /** What AWS answers: 'accept', or its error message. */
  readonly aws: string;
  /** What the broker answers where it differs on purpose (docs/decisions.md). */
  readonly broker?: string;
}

const SYNTAX = 'Syntax errors in policy.';
const LEGACY = 'The policy failed legacy parsing';
const VENDOR_PREFIX = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const ONE_COLON = 'Actions/Condition can contain only one colon.';
const NO_ACTIONS = 'Policy statement must contain actions.';
const NO_RESOURCES = 'Policy statement must contain resources.';
const SID_UNIQUE = 'Statement IDs (SID) in a single policy must be unique.';
const OLD_VERSION = 'Policy document must be version 2012-10-17 or greater.';
const IAM_PATH =
  'IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.';
/** semantics.md: both policy-language versions are accepted (IAM's CreatePolicy alone insists on 2012-10-17). */
const BOTH_VERSIONS = 'accept';

const REFUSED: Case[] = [
  { name: 'not JSON', document: 'This is not a json document', aws: SYNTAX },
  { name: 'no Version', document: { Statement: LIST }, aws: OLD_VERSION, broker: BOTH_VERSIONS },
  { name: 'Version 2008-10-17', document: { Version: '2008-10-17', Statement: LIST }, aws: OLD_VERSION, broker: BOTH_VERSIONS },
  { name: 'an unknown Version', document: { Version: '2013-10-17', Statement: LIST }, aws: SYNTAX },
  { name: 'no Statement', document: { Version: V }, aws: SYNTAX },
  { name: 'a statement that is a string', document: { Version: V, Statement: ['afd'] }, aws: SYNTAX },
  { name: 'an unknown top-level element', document: one(LIST, { 'Extra field': 'value' }), aws: SYNTAX },
  { name: 'an unknown statement element', document: one({ ...LIST, 'Extra field': 'value' }), aws: SYNTAX },
  { name: 'Id that is an array', document: one(LIST, { Id: ['cd3a324d2343d942772346-34234234423404-4c2242343242349d1642ee'] }), aws: SYNTAX },
  { name: 'Id that is an object', document: one(LIST, { Id: {} }), aws: SYNTAX },
  { name: 'Effect "invalid"', document: one({ ...LIST, Effect: 'invalid' }), aws: SYNTAX },
  { name: 'an action without a vendor', document: one({ ...LIST, Action: 'invalid' }), aws: VENDOR_PREFIX },
  { name: 'an empty NotAction', document: one({ Effect: 'Allow', NotAction: '', Resource: BUCKET }), aws: VENDOR_PREFIX },
  { name: 'a vendor with a space', document: one({ ...LIST, Action: 'a a:ListBucket' }), aws: 'Vendor a a is not valid' },
  { name: 'two colons', document: one({ ...LIST, Action: 's3:List:Bucket' }), aws: ONE_COLON },
  { name: 'two colons in a second statement', document: one([{ ...LIST, Action: 's3s:ListBucket' }, { ...LIST, Action: 's:3s:ListBucket' }]), aws: ONE_COLON },
  { name: 'a resource that is not an ARN', document: one({ ...LIST, Resource: 'invalid resource' }), aws: 'Resource invalid resource must be in ARN format or "*".' },
  {
    name: 'empty resources, two statements',
    document: one([
      { Sid: 'EnableDisableHongKong', Effect: 'Allow', Action: ['account:EnableRegion', 'account:DisableRegion'], Resource: '', Condition: { StringEquals: { 'account:TargetRegion': 'ap-east-1' } } },
      { Sid: 'ViewConsole', Effect: 'Allow', Action: ['aws-portal:ViewAccount', 'account:ListRegions'], Resource: '' },
    ]),
    aws: 'Resource  must be in ARN format or "*".',
  },
  { name: 'a bad resource before a bad action (resources are reported first)', document: one({ ...LIST, Action: 's:3:ListBucket', Resource: 'sdfsadf' }), aws: 'Resource sdfsadf must be in ARN format or "*".' },
  { name: 'a bad resource in a list', document: one({ ...LIST, Resource: ['adf'] }), aws: 'Resource adf must be in ARN format or "*".' },
  { name: 'an empty resource', document: one({ ...LIST, Resource: '' }), aws: 'Resource  must be in ARN format or "*".' },
  { name: 'a partition without fields', document: one({ Effect: 'Allow', NotAction: 's3s:ListBucket', Resource: 'a:bsdfdsafsad' }), aws: 'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".' },
  { name: 'a partition with one field', document: one({ Effect: 'Allow', NotAction: 's3s:ListBucket', Resource: 'a:b:cadfsdf' }), aws: 'Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*".' },
  { name: 'a partition with many fields', document: one({ Effect: 'Allow', NotAction: 's3s:ListBucket', Resource: 'a:b:c:d:e:f:g:h' }), aws: 'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".' },
  { name: 'a resource without "arn:"', document: one({ ...LIST, Resource: 'aws:s3:::example_bucket' }), aws: 'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".' },
  {
    name: 'two resources with a bad partition (the first is reported)',
    document: one({ ...LIST, Resource: ['arn:error:s3:::example_bucket', 'arn:error:s3::example_bucket'] }),
    aws: 'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".',
  },
  { name: 'an empty statement list', document: { Version: V, Statement: [] }, aws: SYNTAX },
  { name: 'no Resource', document: one({ Effect: 'Allow', Action: 's3:ListBucket' }), aws: NO_RESOURCES },
  { name: 'an empty Resource list', document: one({ ...LIST, Resource: [] }), aws: NO_RESOURCES },
  { name: 'a bad action and no Resource (the action is reported)', document: one({ Effect: 'Allow', Action: 'invalid' }), aws: VENDOR_PREFIX },
  { name: 'no Action', document: one({ Effect: 'Allow', Resource: BUCKET }), aws: NO_ACTIONS },
  { name: 'no Effect', document: one({ Action: 's3:ListBucket', Resource: BUCKET }), aws: SYNTAX },
  { name: 'Effect alone', document: one({ Effect: 'Allow' }), aws: NO_ACTIONS },
  { name: 'an empty Action list', document: one({ ...LIST, Action: [] }), aws: NO_ACTIONS },
  { name: 'a statement without Action before a good one', document: one([{ Effect: 'Deny' }, LIST]), aws: NO_ACTIONS },
  { name: 'an IAM resource of the wrong type', document: one({ ...LIST, Resource: 'arn:aws:iam:::example_bucket' }), aws: IAM_PATH },
  { name: 'an old-form ARN', document: one({ ...LIST, Resource: 'arn:aws:s3::example_bucket' }), aws: LEGACY },
  { name: 'an old-form ARN and no Action', document: one({ Effect: 'Allow', Resource: 'arn:aws:s3::example_bucket' }), aws: LEGACY },
  { name: 'no service', document: one({ ...LIST, Resource: 'arn:aws' }), aws: 'Resource vendor must be fully qualified and cannot contain regexes.' },
  { name: 'Resource that is an object', document: one({ ...LIST, Resource: { a: BUCKET } }), aws: SYNTAX },
  { name: 'a resource list with an object', document: one({ Effect: 'Deny', Action: 's3:ListBucket', Resource: ['adfdf', {}] }), aws: SYNTAX },
  { name: 'Resource and NotResource', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', Resource: BUCKET, NotResource: [] }), aws: SYNTAX },
  { name: 'an action list holding a list', document: one({ Effect: 'Deny', Action: [[]], Resource: BUCKET }), aws: SYNTAX },
  { name: 'Action and NotAction', document: one({ Effect: 'Allow', NotAction: 's3s:ListBucket', Action: [], Resource: BUCKET }), aws: SYNTAX },
  { name: 'Action that is an object', document: one({ ...LIST, Action: {} }), aws: SYNTAX },
  { name: 'Condition that is an array', document: withCondition([]), aws: SYNTAX },
  { name: 'Condition that is a string', document: withCondition('a'), aws: SYNTAX },
  { name: 'an operator block that is a string', document: withCondition({ a: 'b' }), aws: SYNTAX },
  { name: 'a known operator with a string block', document: withCondition({ DateGreaterThan: 'b' }), aws: SYNTAX },
  { name: 'a known operator with an array block', document: withCondition({ DateGreaterThan: [] }), aws: SYNTAX },
  { name: 'a condition value that is an object', document: withCondition({ DateGreaterThan: { a: {} } }), aws: SYNTAX },
  { name: 'a condition value that is an object, no Action', document: one({ Effect: 'Allow', Resource: BUCKET, Condition: { DateGreaterThan: { a: {} } } }), aws: SYNTAX },
  { name: 'an unknown operator naming a key', document: withCondition({ x: { a: '1' } }), aws: SYNTAX },
  { name: 'a qualifier with two colons', document: withCondition({ 'ForAnyValue::StringEqualsIfExists': { a: 'asf' } }), aws: SYNTAX },
  { name: 'Condition as a list of blocks', document: withCondition([{ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'Department' } }]), aws: SYNTAX },
  { name: 'an IAM resource with a region', document: one({ ...LIST, Resource: 'arn:aws:iam:us-east-1::example_bucket' }), aws: 'IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.' },
  { name: 'an S3 bucket with a region', document: one({ ...LIST, Resource: 'arn:aws:s3:us-east-1::example_bucket' }), aws: 'Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.' },
  { name: 'Sid that is an object', document: one({ ...LIST, Sid: {} }), aws: SYNTAX },
  { name: 'Sid that is an array', document: one({ ...LIST, Sid: [] }), aws: SYNTAX },
  { name: 'a duplicate Sid', document: one([{ ...LIST, Sid: 'sdf' }, { Sid: 'sdf', Effect: 'Allow' }]), aws: SID_UNIQUE },
  { name: 'a duplicate Sid without Version', document: { Statement: [{ ...LIST, Sid: 'sdf' }, { Sid: 'sdf', Effect: 'Allow' }] }, aws: OLD_VERSION, broker: SID_UNIQUE },
  { name: 'NotAction and Action', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', Action: 'iam:dsf', Resource: BUCKET }), aws: SYNTAX },
  { name: 'Resource and NotResource "*"', document: one({ ...LIST, NotResource: '*' }), aws: SYNTAX },
  { name: 'Effect in the wrong case', document: one({ ...LIST, Effect: 'denY' }), aws: LEGACY },
  { name: 'a Date value IAM cannot read', document: withCondition({ DateGreaterThan: { a: 'sdfdsf' } }), aws: LEGACY },
  { name: 'a Date value IAM cannot read, no Version', document: { Statement: { ...LIST, Condition: { DateGreaterThan: { a: 'sdfdsf' } } } }, aws: OLD_VERSION, broker: LEGACY },
  { name: 'Effect in the wrong case, no Version', document: { Statement: { ...LIST, Effect: 'denY' } }, aws: OLD_VERSION, broker: LEGACY },
  { name: 'a Date value IAM cannot read, no Action', document: one({ Effect: 'Allow', Condition: { DateGreaterThan: { a: 'sdfdsf' } } }), aws: LEGACY },
  { name: 'an old-form ARN with an empty service', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', Resource: 'arn:aws::::example_bucket' }), aws: LEGACY },
  { name: 'Effect "allow" and a bucket with a region', document: one({ Effect: 'allow', Resource: 'arn:aws:s3:us-east-1::example_bucket' }), aws: LEGACY },
  { name: 'Effect "aLLow" and a duplicate Sid', document: one([{ ...LIST, Sid: 'sdf', Effect: 'aLLow' }, { Sid: 'sdf', Effect: 'Allow' }]), aws: LEGACY },
  { name: 'an old-form NotResource', document: one({ Effect: 'Allow', Action: 's3:ListBucket', NotResource: 'arn:aws:s3::example_bucket' }), aws: LEGACY },
  { name: 'a month 13', document: withCondition({ DateLessThanEquals: { a: '234-13' } }), aws: LEGACY },
  { name: 'a one-digit zone', document: withCondition({ DateLessThanEquals: { a: '2016-12-13t2:00:00.593194+1' } }), aws: LEGACY },
  { name: 'a ten-digit fraction', document: withCondition({ DateLessThanEquals: { a: '2016-12-13t2:00:00.1999999999+10:59' } }), aws: LEGACY },
  { name: 'epoch seconds past 2^63 − 1', document: withCondition({ DateLessThan: { a: '9223372036854775808' } }), aws: LEGACY },
  { name: 'a bad partition and a bad Date value (the Date is read first)', document: one({ ...LIST, Resource: 'arn:error:s3:::example_bucket', Condition: { DateGreaterThan: { a: 'sdfdsf' } } }), aws: LEGACY },
  { name: 'an old-form ARN without service fields', document: one({ ...LIST, Resource: 'arn:aws::fdsasf' }), aws: LEGACY },
  // The cases issue 8 names beyond the recordings.
  { name: 'Principal in an identity policy', document: one({ ...LIST, Principal: { AWS: '111122223333' } }), aws: 'Policy document should not specify a principal.' },
  { name: 'NotPrincipal in an identity policy', document: one({ ...LIST, NotPrincipal: '*' }), aws: 'Policy document should not specify a principal.' },
  { name: 'a Sid with a space', document: one({ ...LIST, Sid: 'has space' }), aws: 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*' },
  { name: 'a vendor with a wildcard in it', document: one({ ...LIST, Action: 's3*:List' }), aws: 'Vendor s3* is not valid' },
  { name: 'an IAM ARN of a made-up type', document: one({ ...LIST, Resource: 'arn:aws:iam::123456789012:*/cdk-*' }), aws: IAM_PATH },
  { name: 'a condition value that is null', document: withCondition({ StringEquals: { a: null } }), aws: SYNTAX },
];

const ACCEPTED: Case[] = [
  { name: 'a resource list', document: one({ ...LIST, Resource: [BUCKET] }), aws: 'accept' },
  { name: 'an action name with spaces (only the vendor is checked)', document: one({ ...LIST, Action: 'iam: asdf safdsf af ' }), aws: 'accept' },
  { name: 'a resource list with "*"', document: one({ ...LIST, Resource: [BUCKET, '*'] }), aws: 'accept' },
  { name: 'Action "*"', document: one({ ...LIST, Action: '*' }), aws: 'accept' },
  { name: 'a statement list', document: one([LIST]), aws: 'accept' },
  {
    name: 'a date window',
    document: one({
      Effect: 'Allow',
      Action: 'service-prefix:action-name',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2017-07-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2017-12-31T23:59:59Z' } },
    }),
    aws: 'accept',
  },
  { name: 'an action of another service than the resource', document: one({ ...LIST, Action: 'fsx:ListBucket' }), aws: 'accept' },
  { name: 'an IAM user ARN', document: one({ ...LIST, Resource: 'arn:aws:iam:::user/example_bucket' }), aws: 'accept' },
  { name: 'an unknown service in the ARN', document: one({ ...LIST, Resource: 'arn:aws:s33:::example_bucket' }), aws: 'accept' },
  { name: 'an ARN of three fields', document: one({ ...LIST, Resource: 'arn:aws:fdsasf' }), aws: 'accept' },
  { name: 'an empty Condition', document: withCondition({}), aws: 'accept' },
  { name: 'ForAllValues with one string', document: withCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': 'Department' } }), aws: 'accept' },
  { name: 'a CloudWatch ARN with a region', document: one({ ...LIST, Resource: 'arn:aws:cloudwatch:us-east-1::example_bucket' }), aws: 'accept' },
  { name: 'an EC2 ARN with a region', document: one({ ...LIST, Resource: 'arn:aws:ec2:us-east-1::example_bucket' }), aws: 'accept' },
  { name: 'an invalid service name', document: one({ ...LIST, Resource: 'arn:aws:invalid-service:::example_bucket' }), aws: 'accept' },
  { name: 'an invalid service name with a region', document: one({ ...LIST, Resource: 'arn:aws:invalid-service:us-east-1::example_bucket' }), aws: 'accept' },
  { name: 'an operator without keys', document: withCondition({ DateGreaterThan: {} }), aws: 'accept' },
  { name: 'a key without values', document: withCondition({ DateGreaterThan: { a: [] } }), aws: 'accept' },
  { name: 'an unknown operator without keys', document: withCondition({ a: {} }), aws: 'accept' },
  { name: 'two unknown operators without keys', document: withCondition({ x: {}, y: {} }), aws: 'accept' },
  { name: 'a long Sid', document: one({ ...LIST, Sid: 'dsfsdfsdfsdfsdfsadfsd' }), aws: 'accept' },
  { name: 'NotAction', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', Resource: BUCKET }), aws: 'accept' },
  { name: 'Deny with NotResource', document: one({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] }), aws: 'accept' },
  { name: 'an Id', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', Resource: BUCKET }, { Id: 'sdfsdfsdf' }), aws: 'accept' },
  { name: 'a long vendor', document: one({ ...LIST, Action: 'aaaaaadsfdsafsadfsadfaaaaa:ListBucket' }), aws: 'accept' },
  { name: 'a vendor with a dash', document: one({ ...LIST, Action: 's3-s:ListBucket' }), aws: 'accept' },
  { name: 'a vendor with a dot', document: one({ ...LIST, Action: 's3.s:ListBucket' }), aws: 'accept' },
  { name: 'NotAction with NotResource "*"', document: one({ Effect: 'Allow', NotAction: 's3:ListBucket', NotResource: '*' }), aws: 'accept' },
  { name: 'a Sid in one statement only', document: one([{ ...LIST, Sid: 'sdf' }, LIST]), aws: 'accept' },
  { name: 'a Date value IAM reads loosely ("01T")', document: withCondition({ DateGreaterThan: { a: '01T' } }), aws: 'accept' },
  { name: 'IfExists', document: withCondition({ StringEqualsIfExists: { a: 'asf' } }), aws: 'accept' },
  { name: 'ForAnyValue with IfExists', document: withCondition({ 'ForAnyValue:StringEqualsIfExists': { a: 'asf' } }), aws: 'accept' },
  { name: 'a UTC date-time', document: withCondition({ DateLessThanEquals: { a: '2019-07-01T13:20:15Z' } }), aws: 'accept' },
  { name: 'a date-time with a fraction and an offset', document: withCondition({ DateLessThanEquals: { a: '2016-12-13T21:20:37.593194+00:00' } }), aws: 'accept' },
  { name: 'a lower-case t and a two-digit zone', document: withCondition({ DateLessThanEquals: { a: '2016-12-13t2:00:00.593194+23' } }), aws: 'accept' },
  { name: 'a negative year', document: withCondition({ DateLessThan: { a: '-292275054' } }), aws: 'accept' },
  { name: 'policy variables in ARNs', document: one({ Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetUser'], Resource: 'arn:aws:iam::*:user/${aws:username}' }), aws: 'accept' },
  { name: 'an MFA device ARN with a variable', document: one({ Effect: 'Allow', Action: 'iam:CreateVirtualMFADevice', Resource: 'arn:aws:iam::*:mfa/${aws:username}' }), aws: 'accept' },
  { name: 'a Deny with BoolIfExists and NotAction', document: one({ Sid: 'DenyAllExceptListedIfNoMFA', Effect: 'Deny', NotAction: ['iam:GetUser', 'sts:GetSessionToken'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }), aws: 'accept' },
  { name: 'wildcard actions and a DynamoDB table', document: one({ Sid: 'SpecificTable', Effect: 'Allow', Action: ['dynamodb:BatchGet*', 'dynamodb:Query'], Resource: 'arn:aws:dynamodb:*:*:table/MyTable' }), aws: 'accept' },
  { name: 'ArnEquals with wildcards', document: one({ Effect: 'Allow', Action: ['ec2:AttachVolume'], Resource: ['arn:aws:ec2:*:*:volume/*'], Condition: { ArnEquals: { 'ec2:SourceInstanceARN': 'arn:aws:ec2:*:*:instance/instance-id' } } }), aws: 'accept' },
  { name: 'a variable in a condition value', document: one({ Effect: 'Allow', Action: 'ec2:AttachVolume', Resource: 'arn:aws:ec2:*:*:volume/*', Condition: { StringEquals: { 'ec2:ResourceTag/VolumeUser': '${aws:username}' } } }), aws: 'accept' },
  { name: 'placeholders in ARN fields', document: one({ Sid: 'StartStopIfTags', Effect: 'Allow', Action: 'ec2:StartInstances', Resource: 'arn:aws:ec2:region:account-id:instance/*' }), aws: 'accept' },
  {
    name: 'a Cognito variable (with its own colon) in ARNs and values',
    document: one({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}/*',
      Condition: { StringLike: { 's3:prefix': ['cognito/application-name/${cognito-identity.amazonaws.com:sub}'] } },
    }),
    aws: 'accept',
  },
  { name: 'an empty string among StringLike values', document: withCondition({ StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:userid}/*'] } }), aws: 'accept' },
  { name: 'an RDS ARN with a wildcard resource', document: one([{ Effect: 'Allow', Action: 'rds:*', Resource: ['arn:aws:rds:region:*:*'] }, { Effect: 'Allow', Action: ['rds:Describe*'], Resource: ['*'] }]), aws: 'accept' },
  { name: 'empty Sids may repeat', document: one([{ Sid: '', ...LIST }, { Sid: '', ...LIST }]), aws: 'accept' },
  {
    name: 'S3 access points carry a region',
    document: one({ Sid: '', Effect: 'Allow', Action: ['s3:*'], Resource: ['arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point', 'arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point/object/*'] }),
    aws: 'accept',
  },
  { name: 'an IAM ARN of the account root', document: one({ ...LIST, Resource: 'arn:aws:iam::123456789012:root' }), aws: 'accept' },
  { name: 'the guide\'s date without seconds (G8143)', document: withCondition({ DateGreaterThan: { 'aws:CurrentTime': '2014-11-30T12:00Z' } }), aws: 'accept' },
  { name: 'a value not of its operator\'s type (never matches)', document: withCondition({ NumericLessThan: { 'aws:MultiFactorAuthAge': 'an hour' }, IpAddress: { 'aws:SourceIp': 'office' } }), aws: 'accept' },
];

/** What the broker answers for a document: 'accept' or the AWS message of its PolicySyntaxError. */
function outcome(document: unknown, kind: PolicyKind): string {
  try {
    parsePolicy(typeof document === 'string' ? document : JSON.stringify(document), { kind, name: 'corpus' });
    return 'accept';
  } catch (e) {
    if (!(e instanceof PolicySyntaxError)) throw e;
    expect(e.code).toBe('MalformedPolicyDocument');
    expect(e.message.startsWith(e.awsMessage)).toBe(true);
    return e.awsMessage;
  }
}

describe('policy grammar: documents IAM refuses are refused with its message', () => {
  it.each(REFUSED.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const kind of ['identity', 'session', 'boundary'] as const) expect(outcome(c.document, kind), kind).toBe(c.broker ?? c.aws);
  });
});

describe('policy grammar: documents IAM accepts are accepted', () => {
  it.each(ACCEPTED.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const kind of ['identity', 'session', 'boundary'] as const) expect(outcome(c.document, kind), kind).toBe(c.broker ?? c.aws);
  });
});

describe('policy grammar: where the policy is used', () => {
  const trust = (statement: object) => one({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/Corp' }, Action: 'sts:AssumeRoleWithSAML', ...statement });
  it.each([
    ['a trust policy without Principal', one({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust', 'Missing required field Principal'],
    ['a trust policy with a Resource', trust({ Resource: '*' }), 'trust', 'Has prohibited field Resource'],
    ['a trust policy with NotPrincipal', one({ Effect: 'Deny', NotPrincipal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }), 'trust', 'Has prohibited field NotPrincipal'],
    ['a trust policy with a bare action', trust({ Action: 'AssumeRoleWithSAML' }), 'trust', VENDOR_PREFIX],
    ['a good trust policy', trust({}), 'trust', 'accept'],
    ['a resource policy without Principal', one(LIST), 'resource', 'Missing required field Principal'],
    ['a resource policy', one({ ...LIST, Principal: '*' }), 'resource', 'accept'],
  ] as const)('%s', (_name, document, kind, expected) => {
    expect(outcome(document, kind)).toBe(expected);
  });
});
