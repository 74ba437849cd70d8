/** The `tag` slice: tag rules and their matchers (reference §1.10, §4). */
import { RazorError } from '../lib/errors.js';
import { field } from '../lib/verbs/fields.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { created, crudVerbs, mustGet } from '../lib/verbs/crud.js';
import type { TagMatcher, TagRule } from '../lib/tags/tag-rules.js';
import type { Doc, StoreReader } from '../lib/store/store.js';

interface RuleDoc extends TagRule, Doc {
  created_at: string;
  updated_at: string;
}

const RULE_HELP =
  'A razor-server rule deciding the tag instead of matchers, e.g. ["=", ["fact", "is_virtual"], "true"]';

const crud = { slice: 'tag', collection: 'tag', noun: 'tag rule' } as const;

const tagUuid = field.uuid('tag', { help: 'UUID of the tag rule the matcher belongs to', required: true });
const matcherUuid = (required: boolean) =>
  field.uuid(null, { help: 'UUID of the matcher (any unique part of it)', required });
const matcherFields = (required: boolean) => ({
  key: field.string({ help: 'Fact name to test, e.g. mk_hw_mem_size', short: 'k', required }),
  compare: field.enum(['equal', 'like'], {
    help: "How to compare: 'equal' (exact text) or 'like' (regular expression)",
    short: 'c',
    required,
  }),
  value: field.string({
    help: 'Value to compare with (a regular expression for like)',
    short: 'v',
    required,
  }),
});

function checkMatcher(m: Pick<TagMatcher, 'compare' | 'value'>): void {
  if (m.compare !== 'like') return;
  try {
    new RegExp(m.value);
  } catch (err) {
    throw new RazorError(
      'InputError',
      `matcher value '${m.value}' is not a valid regular expression: ${(err as Error).message}`,
    );
  }
}

/** Finds the rule holding matcher `fragment` (the original searched every rule). */
async function findMatcher(w: StoreReader, fragment: string): Promise<{ rule: RuleDoc; index: number }> {
  const hits: { rule: RuleDoc; index: number }[] = [];
  for (const rule of await w.all<RuleDoc>('tag')) {
    rule.matchers.forEach((m, index) => {
      if (m.uuid.includes(fragment)) hits.push({ rule, index });
    });
  }
  if (hits.length === 0) throw new RazorError('NotFound', `Not found: no tag matcher matches '${fragment}'`);
  const exact = hits.filter((h) => h.rule.matchers[h.index]?.uuid === fragment);
  if (exact.length === 1) return exact[0] as { rule: RuleDoc; index: number };
  if (hits.length > 1) {
    throw new RazorError(
      'InvalidUUID',
      `'${fragment}' matches ${hits.length} matchers; give more of the UUID`,
    );
  }
  return hits[0] as { rule: RuleDoc; index: number };
}

const MATCHER_COLUMNS = [
  { header: 'UUID', value: (o: Record<string, unknown>) => o.uuid },
  { header: 'Key', value: (o: Record<string, unknown>) => o.key },
  { header: 'Compare', value: (o: Record<string, unknown>) => o.compare },
  { header: 'Value', value: (o: Record<string, unknown>) => o.value },
  { header: 'Inverse', value: (o: Record<string, unknown>) => o.inverse },
];

const matcherText = (m: TagMatcher) =>
  `${m.uuid} - '${m.key}' (${m.inverse ? 'NOT ' : ''}${m.compare}) '${m.value}'`;

/** The tag slice. */
export const tagSlice = defineSlice({
  name: 'tag',
  summary: 'Tag rules: turn node facts into tags that policies match',
  collection: 'tag',
  filterable: ['uuid', 'name', 'tag', 'matchers'],
  table: [
    { header: 'Name', value: (o) => o.name },
    { header: 'Tags', value: (o) => o.tag },
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Matchers', value: (o) => `[${(o.matchers as unknown[]).length}]` },
  ],
  item: [
    { header: 'Name', value: (o) => o.name },
    { header: 'Tags', value: (o) => o.tag },
    { header: 'UUID', value: (o) => o.uuid },
    {
      header: 'Matchers',
      value: (o) => (o.matchers as TagMatcher[]).map(matcherText).join('\n') || '< none >',
    },
  ],
  verbs: [
    ...crudVerbs(crud),
    defineVerb({
      name: 'add',
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
        const doc: RuleDoc = {
          ...created(ctx),
          name: input.name as string,
          tag: input.tag as string,
          matchers: [],
          ...(input.rule !== undefined ? { rule: input.rule } : {}),
        };
        await ctx.store.write((w) => w.put('tag', doc));
        return [doc];
      },
    }),
    defineVerb({
      name: 'update',
      summary: 'Change the name or tag of a rule',
      fields: {
        uuid: field.uuid('tag', { help: 'UUID of the tag rule', required: true }),
        name: field.string({ help: 'New name', short: 'n' }),
        tag: field.string({ help: 'New tag', short: 't' }),
        rule: field.rule({ help: RULE_HELP, short: 'r' }),
      },
      positional: ['uuid'],
      success: 'updated',
      http: 'PUT',
      path: ':uuid',
      view: 'item',
      sample: {
        uuid: '{tag}',
        name: 'bigger iron',
        tag: 'huge_memory',
        rule: ['=', ['fact', 'is_virtual', 'false'], 'false'],
      },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          const doc = await mustGet<RuleDoc>(w, 'tag', input.uuid as string);
          if (input.name !== undefined) doc.name = input.name as string;
          if (input.tag !== undefined) doc.tag = input.tag as string;
          if (input.rule !== undefined) doc.rule = input.rule;
          doc.updated_at = ctx.clock().toISOString();
          await w.put('tag', doc);
          return [doc];
        }),
    }),
    defineVerb({
      name: 'matcher add',
      summary: 'Add a matcher to a tag rule (all matchers of a rule must pass)',
      fields: {
        tag: tagUuid,
        ...matcherFields(true),
        inverse: field.bool({ help: 'Negate the comparison', short: 'i', default: false }),
      },
      positional: ['tag'],
      forms: [':tag matcher add'],
      success: 'created',
      http: 'POST',
      path: ':tag/matcher',
      view: 'item',
      command: 'add_matcher',
      columns: MATCHER_COLUMNS,
      sample: { tag: '{tag}', key: 'mk_hw_mem_size', compare: 'like', value: '^(16|32)GiB$', inverse: false },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          const rule = await mustGet<RuleDoc>(w, 'tag', input.tag as string);
          const m: TagMatcher = {
            uuid: ctx.newUuid(),
            key: input.key as string,
            compare: input.compare as TagMatcher['compare'],
            value: input.value as string,
            inverse: input.inverse as boolean,
          };
          checkMatcher(m);
          rule.matchers.push(m);
          rule.updated_at = ctx.clock().toISOString();
          await w.put('tag', rule);
          return [m];
        }),
    }),
    defineVerb({
      name: 'matcher get',
      summary: 'Show one matcher',
      fields: { tag: tagUuid, uuid: matcherUuid(true) },
      positional: ['tag', 'uuid'],
      forms: [':tag matcher :uuid'],
      success: 'ok',
      http: 'GET',
      path: ':tag/matcher/:uuid',
      view: 'item',
      command: 'get_matcher',
      columns: MATCHER_COLUMNS,
      sample: { tag: '{tag}', uuid: '{tag_matcher}' },
      handler: async (input, ctx) =>
        ctx.store.read(async (r) => {
          const { rule, index } = await findMatcher(r, input.uuid as string);
          return [rule.matchers[index]];
        }),
    }),
    defineVerb({
      name: 'matcher update',
      summary: 'Change a matcher',
      fields: {
        tag: tagUuid,
        uuid: matcherUuid(true),
        ...matcherFields(false),
        inverse: field.bool({ help: 'Negate the comparison', short: 'i' }),
      },
      positional: ['tag', 'uuid'],
      forms: [':tag matcher update :uuid'],
      success: 'updated',
      http: 'PUT',
      path: ':tag/matcher/:uuid',
      view: 'item',
      command: 'update_matcher',
      columns: MATCHER_COLUMNS,
      sample: {
        tag: '{tag}',
        uuid: '{tag_matcher}',
        key: 'memorysize',
        compare: 'equal',
        value: '16 GB',
        inverse: true,
      },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          const { rule, index } = await findMatcher(w, input.uuid as string);
          const m = rule.matchers[index] as TagMatcher;
          for (const k of ['key', 'compare', 'value', 'inverse'] as const) {
            if (input[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = input[k];
          }
          checkMatcher(m);
          rule.updated_at = ctx.clock().toISOString();
          await w.put('tag', rule);
          return [m];
        }),
    }),
    defineVerb({
      name: 'matcher remove',
      summary: 'Remove a matcher from its rule',
      fields: { tag: tagUuid, uuid: matcherUuid(true) },
      positional: ['tag', 'uuid'],
      forms: [':tag matcher remove :uuid'],
      success: 'removed',
      http: 'DELETE',
      path: ':tag/matcher/:uuid',
      view: 'item',
      command: 'remove_matcher',
      sample: { tag: '{tag}', uuid: '{tag_matcher}' },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          const { rule, index } = await findMatcher(w, input.uuid as string);
          rule.matchers.splice(index, 1);
          rule.updated_at = ctx.clock().toISOString();
          await w.put('tag', rule);
          return [rule];
        }),
    }),
  ],
});
