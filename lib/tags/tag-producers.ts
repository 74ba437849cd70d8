/**
 * Which tags tag rules can produce, to warn about a policy naming a tag none produces (it would
 * never match a node). A rule's tag template is read as a pattern: `%V=key-%` and `%R=re:key-%`
 * stand for any value, the rest is literal (sanitised as renderTag sanitises it). A template that
 * is all value (the system rule `%V=mk_hw_bus_vendor-%`) could be anything: only the tags known
 * nodes carry count for it.
 */
import { SYSTEM_RULES, nodeTags, type Facts, type TagRule } from './tag-rules.js';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const literal = (s: string) => escapeRe(s.replace(/[^\w%=\-\\+]/g, ''));

/** A rule's tag template as a regular expression over the tags it can render. */
export function tagPattern(template: string): RegExp {
  const parts = template.split(/%V=.+?-%|%R=.+?:.+?-%/);
  return new RegExp(`^${parts.map(literal).join('.*')}$`);
}

/**
 * The tags of `tags` that neither the built-in system rules nor any of `rules` can produce, and
 * that no node (by its `facts`) carries now.
 */
export function tagsNoRuleMakes(
  tags: readonly string[],
  rules: readonly TagRule[],
  facts: readonly Facts[],
): string[] {
  const patterns = [...SYSTEM_RULES, ...rules]
    .map((r) => tagPattern(r.tag))
    .filter((p) => p.source !== '^.*$');
  const carried = new Set(facts.flatMap((f) => nodeTags(rules, f)));
  return tags.filter((t) => !carried.has(t) && !patterns.some((p) => p.test(t)));
}
