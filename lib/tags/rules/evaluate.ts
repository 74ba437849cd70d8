/**
 * Evaluation of a tag rule (§3.1, §3.3): array arguments first, depth-first, all of them (no
 * short-circuit, as in the original); the result is Ruby-truthy. `explainRule` shows the value of
 * every sub-expression on one line.
 */
import { type OperatorEnv, type RuleContext, arityProblem, findOperator, unrecognized } from './operators.js';
import {
  type Fail,
  type Rule,
  type Value,
  RuleEvaluationError,
  isValue,
  rubyType,
  truthy,
} from './values.js';

/** Values of evaluated sub-expressions, by identity, for `explainRule`. */
type Trace = Map<unknown, Value>;

function call(expr: readonly unknown[], path: string, env: OperatorEnv, trace?: Trace): Value {
  const fail: Fail = (detail) => {
    throw new RuleEvaluationError(detail, path);
  };
  if (expr.length < 2) fail('must have at least one argument');
  const [head, ...raw] = expr;
  const op = findOperator(head) ?? fail(unrecognized(head));
  const arity = arityProblem(op, String(head), raw.length);
  if (arity) fail(arity);
  const args = raw.map((arg, i): Value => {
    const at = `${path}[${i + 1}]`;
    if (Array.isArray(arg)) return call(arg, at, env, trace);
    if (isValue(arg)) return arg;
    throw new RuleEvaluationError(`cannot process objects of type ${rubyType(arg)}`, at);
  });
  const value = op.apply(args, env, fail);
  trace?.set(expr, value);
  return value;
}

function run(rule: Rule, label: string, ctx: RuleContext, stack: readonly string[], trace?: Trace): Value {
  if (!Array.isArray(rule)) throw new RuleEvaluationError('must be an array', label);
  const tag = (name: string, fail: Fail): boolean => {
    if (stack.includes(name)) fail(`tag '${name}' refers to itself: ${[...stack, name].join(' → ')}`);
    const other = ctx.tagRule(name);
    if (other === undefined) fail(`Tag '${name}' does not exist`);
    return truthy(run(other, `tag '${name}' rule`, ctx, [...stack, name]));
  };
  return call(rule, label, { ctx, tag }, trace);
}

/** Does the rule hold for this context? Throws RuleEvaluationError when it cannot be evaluated. */
export function evaluateRule(rule: Rule, ctx: RuleContext): boolean {
  return truthy(run(rule, 'rule', ctx, []));
}

const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

function render(expr: unknown, trace: Trace, root: boolean): string {
  if (!Array.isArray(expr)) return show(expr);
  const text = `[${expr.map((e) => render(e, trace, false)).join(', ')}]`;
  const value = trace.has(expr) ? (trace.get(expr) ?? null) : undefined;
  return value === undefined || (root && typeof value === 'boolean') ? text : `${text} → ${show(value)}`;
}

/**
 * One line saying whether the rule holds and why: the rule with the value of every sub-expression,
 * e.g. `false: ["and", ["=", ["fact", "os"] → "linux", "linux"] → true, …]`, or `error: <message>`.
 */
export function explainRule(rule: Rule, ctx: RuleContext): string {
  const trace: Trace = new Map();
  try {
    const value = run(rule, 'rule', ctx, [], trace);
    return `${truthy(value)}: ${render(rule, trace, true)}`;
  } catch (err) {
    if (err instanceof RuleEvaluationError) return `error: ${err.message}`;
    throw err;
  }
}
