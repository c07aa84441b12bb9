/**
 * Misspelled actions. `sts:AssumeRoleWithWebIdentiy` in a trust policy parses (IAM does not check
 * action names) and silently makes the role unusable. In trust policies an unknown action of STS or the
 * broker is an error; in permission policies (where AWS accepts anything) a warning. Actions of other
 * services are not checked: the broker cannot know them.
 */
import { actionMatches } from '../../policy/index.js';
import { closestName } from '../didYouMean.js';
import { COMPLETE_SERVICES, KNOWN_ACTIONS, qualified } from './knownActions.js';
import type { LintCheck, LintFinding } from './types.js';

export const checkActions: LintCheck = (policy) => {
  const findings: LintFinding[] = [];
  const severity = policy.kind === 'trust' ? 'error' : 'warning';
  for (const s of policy.statements) {
    const element = s.actions !== undefined ? 'Action' : 'NotAction';
    for (const action of s.actions ?? s.notActions ?? []) {
      const problem = actionProblem(action);
      if (problem !== undefined) findings.push({ severity, path: `${policy.path}.Statement[${s.index}].${element}`, message: `${policy.owner}: ${problem}` });
    }
  }
  return findings;
};

function actionProblem(action: string): string | undefined {
  if (action === '*') return undefined;
  const colon = action.indexOf(':');
  if (colon < 0) return undefined; // the policy grammar refuses an action without a vendor
  const service = action.slice(0, colon).toLowerCase();
  const known = KNOWN_ACTIONS[service];
  if (known === undefined) return undefined;
  const names = qualified(service);
  if (names.some((n) => actionMatches(action, n))) return undefined;
  const hint = closestName(action, names);
  if (!COMPLETE_SERVICES.has(service) && hint === undefined) return undefined;
  const what = /[*?]/.test(action) ? 'matches no action' : 'is not an action';
  return `${JSON.stringify(action)} ${what} of ${service}${hint ? ` (did you mean ${hint}?)` : ''}`;
}
