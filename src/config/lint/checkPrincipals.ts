/**
 * Principals that name nothing. A trust policy whose `Federated` principal names a provider that is
 * not configured, or whose `AWS` principal names a user or role that does not exist, parses and never
 * matches: the role is silently unusable. IAM refuses both when the policy is saved ("Invalid principal
 * in policy"), so they are errors here too; what IAM would accept (another account, a web identity
 * host such as accounts.google.com, a session of a role) is a warning. Malformed principals are the
 * model's business (it refuses them with the same path).
 */
import { parseArn } from '../../credentials/arns.js';
import { closestName, didYouMean } from '../didYouMean.js';
import type { LintCheck, LintFacts, LintFinding } from './types.js';

export const checkPrincipals: LintCheck = (policy, facts) => {
  if (policy.kind !== 'trust') return [];
  const findings: LintFinding[] = [];
  for (const s of policy.statements) {
    if (s.principal === undefined || s.principal === '*') continue;
    const where = `${policy.path}.Statement[${s.index}].${s.notPrincipal ? 'NotPrincipal' : 'Principal'}`;
    const say = (severity: LintFinding['severity'], type: string, message: string) =>
      findings.push({ severity, path: `${where}.${type}`, message: `${policy.owner}: ${message}` });
    for (const value of s.principal.Federated ?? []) {
      const problem = federatedProblem(value, facts);
      if (problem !== undefined) say(problem.severity, 'Federated', problem.message);
    }
    for (const value of s.principal.AWS ?? []) {
      const problem = awsProblem(value, facts);
      if (problem !== undefined) say(problem.severity, 'AWS', problem.message);
    }
  }
  return findings;
};

type Problem = { severity: LintFinding['severity']; message: string } | undefined;

function federatedProblem(value: string, facts: LintFacts): Problem {
  if (!value.startsWith('arn:')) {
    // The guide's web identity form: a provider named by host.
    if (facts.oidcProviders.includes(value)) return undefined;
    return { severity: 'warning', message: `no OpenID provider named ${value} is configured, so this principal never matches${didYouMean(value, facts.oidcProviders)}` };
  }
  const arn = parseArn(value);
  if (arn === null) return undefined;
  const elsewhere = otherAccount(arn.partition, arn.account, facts);
  if (elsewhere !== undefined) return { severity: 'error', message: `${value} ${elsewhere}` };
  const [type, ...rest] = arn.resource.split('/');
  const name = rest.join('/');
  const known = type === 'saml-provider' ? facts.samlProviders : type === 'oidc-provider' ? facts.oidcProviders : undefined;
  if (known === undefined || known.includes(name)) return undefined;
  const kind = type === 'saml-provider' ? 'SAML' : 'OpenID';
  const hint = closestName(name, known);
  return {
    severity: 'error',
    message: `no ${kind} provider named ${name} is configured in identityProviders${hint ? ` (did you mean arn:${arn.partition}:iam::${arn.account}:${type}/${hint}?)` : ''}`,
  };
}

function awsProblem(value: string, facts: LintFacts): Problem {
  if (value === '*') return undefined;
  if (/^\d{12}$/.test(value)) {
    return value === facts.account ? undefined : { severity: 'warning', message: `account ${value} is not this broker's account (${facts.account}): no caller of it exists here` };
  }
  const arn = parseArn(value);
  if (arn === null) return undefined;
  const elsewhere = otherAccount(arn.partition, arn.account, facts);
  if (elsewhere !== undefined) return { severity: 'warning', message: `${value} ${elsewhere}` };
  if (arn.resource === 'root' || arn.resource.startsWith('federated-user/')) return undefined;
  if (arn.service === 'iam' && arn.resource.startsWith('user/')) {
    return facts.userArns.has(value) ? undefined : { severity: 'error', message: `no user ${value} exists in users${similarArn(value, facts.userArns)}` };
  }
  if (arn.service === 'iam' && arn.resource.startsWith('role/')) {
    return facts.roleArns.has(value) ? undefined : { severity: 'error', message: `no role ${value} exists in roles${similarArn(value, facts.roleArns)}` };
  }
  if (arn.service === 'sts' && arn.resource.startsWith('assumed-role/')) {
    const roleName = arn.resource.split('/')[1] ?? '';
    const names = [...facts.roleArns].map((r) => r.slice(r.lastIndexOf('/') + 1));
    if (names.includes(roleName)) return undefined;
    return { severity: 'warning', message: `${value} is a session of role ${roleName}, which does not exist in roles${didYouMean(roleName, names)}` };
  }
  return undefined;
}

/** The ARN of the entity whose name is closest (a wrong path or a typo in the name). */
function similarArn(value: string, known: ReadonlySet<string>): string {
  const byName = new Map([...known].map((arn) => [arn.slice(arn.lastIndexOf('/') + 1), arn]));
  const name = closestName(value.slice(value.lastIndexOf('/') + 1), byName.keys());
  return name === undefined ? '' : ` (did you mean ${byName.get(name)}?)`;
}

function otherAccount(partition: string, account: string, facts: LintFacts): string | undefined {
  if (partition !== facts.partition) return `is in partition ${partition}; this broker's partition is ${facts.partition}`;
  if (account !== facts.account) return `is in account ${account}; this broker is account ${facts.account}`;
  return undefined;
}
