/**
 * What `fedbroker revoke role` says for an upstream role: fedbroker stopped issuing, and AWS's way to
 * revoke the credentials it already issued — an inline Deny on aws:TokenIssueTime in the AWS role, the
 * policy the IAM console's "Revoke active sessions" attaches (AWSRevokeOlderSessions).
 */
export function upstreamRevocationAdvice(roleArn: string, now: number, stoppedUntil: number): string {
  const cutoff = new Date(now).toISOString();
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: ['*'], Resource: ['*'], Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } } }],
  });
  return (
    `Stopped upstream role ${roleArn}: fedbroker issues no credentials for it before ${new Date(stoppedUntil).toISOString()} ` +
    '(when all it issued before now has expired).\n' +
    'Credentials AWS already issued stay valid until they expire. To revoke them now, attach this inline policy to the AWS role\n' +
    `(as the IAM console's "Revoke active sessions" does), with credentials allowed iam:PutRolePolicy in its account:\n\n` +
    `  aws iam put-role-policy --role-name ${roleName} --policy-name AWSRevokeOlderSessions \\\n    --policy-document '${policy}'\n`
  );
}
