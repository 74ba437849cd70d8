/** The `tag` slice: tag rules and their matchers (reference §1.10, §4). */
import { field } from '../../lib/verbs/fields.js';
import { defineSlice, defineVerb } from '../../lib/verbs/spec.js';
import { columns } from '../../lib/verbs/columns.js';
import { created, crudVerbs, updateVerb } from '../../lib/verbs/crud/index.js';
import { matcherVerbs } from './matchers.js';
import type { TagMatcher } from '../../lib/tags/tag-rules.js';
import type { TagRuleDoc } from '../../lib/domain/documents.js';

const RULE_HELP =
  'A razor-server rule deciding the tag instead of matchers, e.g. ["=", ["fact", "is_virtual"], "true"]';

const crud = {
  slice: 'tag',
  collection: 'tag',
  noun: 'tag rule',
  commands: {
    list: 'tagrules_query_all',
    get: 'get_tagrule_by_uuid',
    remove: 'remove_tagrule_by_uuid',
    'remove-all': 'remove_all_tagrules',
  },
} as const;

const matcherText = (m: TagMatcher) =>
  `${m.uuid} - '${m.key}' (${m.inverse ? 'NOT ' : ''}${m.compare}) '${m.value}'`;

/** A rule as one line of JSON with spaces: `["=", ["fact", "is_virtual"], "true"]`. */
const ruleText = (rule: unknown): string =>
  Array.isArray(rule) ? `[${rule.map(ruleText).join(', ')}]` : JSON.stringify(rule);

const NAME_TAGS_UUID = { Name: 'name', Tags: 'tag', UUID: 'uuid' };

/** The tag slice. */
export const tagSlice = defineSlice({
  name: 'tag',
  summary: 'Tag rules: turn node facts into tags that policies match',
  collection: 'tag',
  filterable: ['uuid', 'name', 'tag', 'matchers'],
  table: columns({ ...NAME_TAGS_UUID, Matchers: (o) => `[${(o.matchers as unknown[]).length}]` }),
  item: [
    ...columns(NAME_TAGS_UUID),
    // A rule made with -r decides the tag: shown as the JSON it was given, instead of no matchers.
    { header: 'Rule', value: (o) => (o.rule === undefined ? '' : ruleText(o.rule)), optional: true },
    {
      header: 'Matchers',
      value: (o) => {
        const text = (o.matchers as TagMatcher[]).map(matcherText).join('\n');
        return text || (o.rule === undefined ? '< none >' : '');
      },
      optional: true,
    },
  ],
  verbs: [
    // A policy naming the rule's tag uses it: removing the rule asks, and needs --force elsewhere.
    ...crudVerbs({ ...crud, usedBy: [{ collection: 'policy', field: 'tags', key: 'tag' }] }),
    defineVerb({
      name: 'add',
      command: 'add_tagrule',
      summary: 'Create a tag rule',
      description:
        "The tag may use %V=<fact>-% (the fact's value) and %R=<regex>:<fact>-% (the first match).",
      fields: {
        name: field.string({ help: 'A name for the rule', short: 'n', required: true }),
        tag: field.string({
          help: 'The tag it adds, e.g. big_memory or memsize_%V=mk_hw_mem_size-%',
          short: 't',
          required: true,
        }),
        rule: field.rule({ help: RULE_HELP, short: 'r' }),
      },
      success: 'created',
      http: 'POST',
      path: '',
      view: 'item',
      sample: {
        name: 'big iron',
        tag: 'big_memory',
        rule: ['>', ['num', ['fact', 'processorcount', '0']], 8],
      },
      handler: async (input, ctx) => {
        const doc: TagRuleDoc = {
          ...created(ctx),
          name: input.name,
          tag: input.tag,
          matchers: [],
          ...(input.rule !== undefined ? { rule: input.rule } : {}),
        };
        await ctx.store.write((w) => w.put('tag', doc));
        return [doc];
      },
    }),
    updateVerb(crud, {
      command: 'update_tagrule',
      summary: 'Change the name or tag of a rule',
      fields: {
        name: field.string({ help: 'New name', short: 'n' }),
        tag: field.string({ help: 'New tag', short: 't' }),
        rule: field.rule({ help: RULE_HELP, short: 'r' }),
      },
      http: 'PUT',
      path: ':uuid',
      sample: {
        uuid: '{tag}',
        name: 'bigger iron',
        tag: 'huge_memory',
        rule: ['=', ['fact', 'is_virtual', 'false'], 'false'],
      },
      apply: (doc: TagRuleDoc, input) => {
        if (input.name !== undefined) doc.name = input.name;
        if (input.tag !== undefined) doc.tag = input.tag;
        if (input.rule !== undefined) doc.rule = input.rule;
      },
    }),
    ...matcherVerbs,
  ],
});
