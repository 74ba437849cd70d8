/**
 * The original's tag rules: a rule's matchers are ANDed over a node's facts; a matching rule adds
 * its tag, with `%V=key-%` replaced by the fact's value and `%R=regex:key-%` by the first match,
 * then sanitised. Built-in system rules add `cpus_N`, `memsize_X`, `nics_N`, the bus vendor and
 * `<virtual>_vm`.
 */

import { RuleEvaluationError, evaluateRule, explainRule, type RuleContext } from './rule-language.js';

/** One matcher of a tag rule. */
export interface TagMatcher {
  uuid: string;
  key: string;
  compare: 'equal' | 'like';
  value: string;
  inverse: boolean;
}

/** A tag rule as stored: the original's matchers, or a razor-server `rule` that decides instead. */
export interface TagRule {
  uuid: string;
  name: string;
  tag: string;
  matchers: TagMatcher[];
  rule?: unknown;
}

/** Facts reported by a node (the Microkernel's attributes hash). */
export type Facts = Readonly<Record<string, unknown>>;

const factText = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Does one matcher pass? A missing fact is the empty string (the original's quirk, kept on purpose). */
export function matcherPasses(m: TagMatcher, facts: Facts): boolean {
  const v = facts[m.key];
  let ok: boolean;
  if (m.compare === 'equal') ok = v !== undefined && factText(v) === m.value;
  else {
    try {
      ok = new RegExp(m.value).test(factText(v));
    } catch {
      ok = false;
    }
  }
  return m.inverse ? !ok : ok;
}

/**
 * The rule-language context for a node: its facts, and other tags' rules by tag name. A rule of
 * matchers stands as what its matchers decide for this node (`["=", true|false, true]`).
 */
function ruleContext(facts: Facts, rules: readonly TagRule[]): RuleContext {
  return {
    facts,
    metadata: {},
    state: {},
    tagRule: (name) => {
      const other = rules.find((r) => r.tag === name || r.name === name);
      return other?.rule ?? (other ? ['=', rulePasses(other, facts), true] : undefined);
    },
  };
}

/**
 * Does a rule match? A razor-server rule decides when present (an evaluation error counts as no
 * match); otherwise every matcher must pass, and a rule without matchers never does.
 */
export function rulePasses(
  rule: Pick<TagRule, 'matchers' | 'rule'>,
  facts: Facts,
  rules: readonly TagRule[] = [],
): boolean {
  if (rule.rule !== undefined) {
    try {
      return evaluateRule(rule.rule, ruleContext(facts, rules));
    } catch (err) {
      if (err instanceof RuleEvaluationError) return false;
      throw err;
    }
  }
  return rule.matchers.length > 0 && rule.matchers.every((m) => matcherPasses(m, facts));
}

/** Renders a tag template (`%V=key-%`, `%R=regex:key-%`) and removes characters outside `[\w%=\-\\+]`. */
export function renderTag(template: string, facts: Facts): string {
  const withValues = template
    .replace(/%V=(.+?)-%/g, (_m, key: string) => factText(facts[key]))
    .replace(/%R=(.+?):(.+?)-%/g, (_m, re: string, key: string) => {
      try {
        return new RegExp(re).exec(factText(facts[key]))?.[0] ?? '';
      } catch {
        return '';
      }
    });
  return withValues.replace(/[^\w%=\-\\+]/g, '');
}

const sys = (tag: string, key: string, compare: 'equal' | 'like', value: string): TagRule => ({
  uuid: `system:${key}`,
  name: `system rule ${tag}`,
  tag,
  matchers: [{ uuid: `system:${key}`, key, compare, value, inverse: false }],
});

/** The built-in system rules (the original's `system_rules/*.json`). */
export const SYSTEM_RULES: readonly TagRule[] = [
  sys('cpus_%V=mk_hw_cpu_count-%', 'mk_hw_cpu_count', 'like', '\\d+'),
  sys('%V=mk_hw_bus_vendor-%', 'mk_hw_bus_vendor', 'like', '\\w+'),
  sys('memsize_%V=mk_hw_mem_size-%', 'mk_hw_mem_size', 'like', '\\w+'),
  sys('nics_%V=mk_hw_nic_count-%', 'mk_hw_nic_count', 'like', '\\d+'),
  sys('%V=virtual-%_vm', 'is_virtual', 'equal', 'true'),
];

/** A node's tags: every matching rule's rendered tag, system rules first, without duplicates. */
export function nodeTags(rules: readonly TagRule[], facts: Facts): string[] {
  const tags = new Set<string>();
  for (const rule of [...SYSTEM_RULES, ...rules]) {
    if (!rulePasses(rule, facts, rules)) continue;
    const tag = renderTag(rule.tag, facts);
    if (tag !== '') tags.add(tag);
  }
  return [...tags];
}

/** Why one rule did or did not tag a node. */
export interface TagExplanation {
  rule: string;
  system: boolean;
  tag: string | null;
  matched: boolean;
  because: string[];
}

const describeMatcher = (m: TagMatcher, facts: Facts) =>
  `${m.key} ${m.inverse ? 'NOT ' : ''}${m.compare} '${m.value}' (value ${facts[m.key] === undefined ? 'missing' : `'${factText(facts[m.key])}'`}): ${matcherPasses(m, facts) ? 'pass' : 'fail'}`;

/** For every rule, whether it tagged the node and which matcher made it so (or not). */
export function explainTags(rules: readonly TagRule[], facts: Facts): TagExplanation[] {
  return [...SYSTEM_RULES, ...rules].map((rule) => {
    const matched = rulePasses(rule, facts, rules);
    const because =
      rule.rule !== undefined
        ? [explainRule(rule.rule, ruleContext(facts, rules))]
        : rule.matchers.length
          ? rule.matchers.map((m) => describeMatcher(m, facts))
          : ['the rule has no matchers'];
    const tag = matched ? renderTag(rule.tag, facts) : null;
    return { rule: rule.name, system: rule.uuid.startsWith('system:'), tag, matched, because };
  });
}
