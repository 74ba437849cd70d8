/**
 * Static validation of a tag rule (§3.2), reporting every problem rather than the original's last
 * one, each at the path of the bad sub-expression (`rule[2][1]`).
 */
import { type Atom, arityProblem, atomOf, compileRegex, findOperator, unrecognized } from './operators.js';
import { type Rule, inspect, isValue, rubyType } from './values.js';

/** One problem with a rule: where it is (`rule`, `rule[2][1]`) and what it is. */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

interface Caller {
  readonly name: string;
  readonly position: number;
}

const BOOLEAN: readonly Atom[] = ['TrueClass', 'FalseClass'];
const list = (atoms: readonly Atom[]): string => `[${atoms.join(', ')}]`;

function check(
  expr: readonly unknown[],
  path: string,
  wanted: readonly Atom[] | undefined,
  caller: Caller | undefined,
  issues: RuleIssue[],
): void {
  const add = (at: string, message: string): void => void issues.push({ path: at, message });
  if (expr.length < 2) return add(path, 'must have at least one argument');
  const [head, ...args] = expr;
  const op = findOperator(head);
  const name = String(head);
  if (!op) add(path, unrecognized(head));
  else {
    const arity = arityProblem(op, name, args.length);
    if (arity) add(path, arity);
    const outliers = wanted ? op.returns.filter((t) => !wanted.includes(t)) : [];
    if (wanted && outliers.length > 0) {
      const from = `could return incompatible datatype(s) from function '${name}' (${list(outliers)})`;
      add(
        path,
        caller
          ? `${from} for argument ${caller.position}. Function '${caller.name}' expects (${list(wanted)})`
          : `${from}. Rule expects (${list(wanted)})`,
      );
    }
  }
  args.forEach((arg, i) => {
    const at = `${path}[${i + 1}]`;
    const expects = op ? (op.expects[i] ?? op.expects.at(-1)) : undefined;
    if (Array.isArray(arg)) return check(arg, at, expects, op && { name, position: i + 1 }, issues);
    if (!isValue(arg)) return add(at, `cannot process objects of type ${rubyType(arg)}`);
    if (!op || !expects) return;
    if (!expects.includes(atomOf(arg))) {
      const only = `but only ${list(expects)} are accepted`;
      return add(
        at,
        `attempts to pass ${inspect(arg)} of type ${rubyType(arg)} to '${name}' for argument ${i + 1}, ${only}`,
      );
    }
    if (op.regex && i + 1 >= op.regex.from && typeof arg === 'string') {
      const re = compileRegex(arg, op.regex.flags);
      if (typeof re === 'string')
        add(at, `invalid regular expression supplied to '${name}' for argument ${i + 1}: ${re}`);
    }
  });
}

/** Every problem with a rule, in document order; empty when the rule is valid. */
export function ruleIssues(rule: Rule): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (Array.isArray(rule)) check(rule, 'rule', BOOLEAN, undefined, issues);
  else issues.push({ path: 'rule', message: 'must be an array' });
  return issues;
}

/** Every problem with a rule as `path: message` lines; empty when the rule is valid. */
export function validateRule(rule: Rule): string[] {
  return ruleIssues(rule).map((issue) => `${issue.path}: ${issue.message}`);
}
