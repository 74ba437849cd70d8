/**
 * razor-server's tag rule language (`lib/razor/matcher.rb`, spec §3). A rule is JSON in prefix
 * form, `["and", ["=", ["fact", "os"], "linux"], [">", ["num", ["fact", "processorcount"]], 4]]`.
 *
 * - `validateRule` runs the original's static checks (operators, arity, argument and return types,
 *   regular expressions) and reports every problem with its path, e.g. `rule[2][1]: …`.
 * - `evaluateRule` evaluates with Ruby's semantics where JavaScript can express them: only `false`
 *   and `null` are false, `=` is strict (`1 = 1.0`, `"2" != 2`), `num` parses like Ruby
 *   `Integer()`/`Float()`, `str` is `to_s`.
 * - `like` and `has_macaddress_like` are unanchored JavaScript RegExp tests; Ruby's regex syntax
 *   (`\A`, `\z`, `(?i)`, POSIX classes, multi-line `^`/`$`) is not emulated.
 * - Messages name types as the original does (Ruby classes: `String`, `Fixnum`, `NilClass`…).
 */
export { type Rule, type Value, RuleEvaluationError } from './rules/values.js';
export { type RuleContext, OPERATOR_NAMES } from './rules/operators.js';
export { type RuleIssue, ruleIssues, validateRule } from './rules/validate-rule.js';
export { evaluateRule, explainRule } from './rules/evaluate.js';
