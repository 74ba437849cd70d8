/** The tag slice's matcher verbs: `razor tag <rule> matcher add|get|update|remove` (reference §4). */
import { RazorError } from '../../lib/errors.js';
import { field } from '../../lib/verbs/fields.js';
import { defineVerb } from '../../lib/verbs/spec.js';
import { columns } from '../../lib/verbs/columns.js';
import { mustGet } from '../../lib/verbs/crud/index.js';
import type { TagMatcher } from '../../lib/tags/tag-rules.js';
import type { StoreReader, StoreWriter } from '../../lib/store/store.js';
import type { TagRuleDoc } from '../../lib/domain/documents.js';
import type { VerbContext } from '../../lib/verbs/context.js';

const tagUuid = field.uuid('tag', { help: 'UUID of the tag rule the matcher belongs to', required: true });
const matcherUuid = field.uuid(null, { help: 'UUID of the matcher (any unique part of it)', required: true });
const matcherFields = <R extends boolean>(required: R) => ({
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

/** What `matcher get` and `matcher remove` take: the rule and the matcher in it. */
const ONE_MATCHER = {
  fields: { tag: tagUuid, uuid: matcherUuid },
  positional: ['tag', 'uuid'],
  sample: { tag: '{tag}', uuid: '{tag_matcher}' },
} as const;

const MATCHER_COLUMNS = columns({
  UUID: 'uuid',
  Key: 'key',
  Compare: 'compare',
  Value: 'value',
  Inverse: 'inverse',
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

type Hit = { rule: TagRuleDoc; index: number };

/** Finds the rule holding matcher `fragment` (the original searched every rule). */
async function findMatcher(w: StoreReader, fragment: string): Promise<Hit> {
  const hits: Hit[] = [];
  for (const rule of await w.all<TagRuleDoc>('tag')) {
    rule.matchers.forEach((m, index) => {
      if (m.uuid.includes(fragment)) hits.push({ rule, index });
    });
  }
  if (hits.length === 0) throw new RazorError('NotFound', `Not found: no tag matcher matches '${fragment}'`);
  const exact = hits.filter((h) => h.rule.matchers[h.index]?.uuid === fragment);
  if (exact.length === 1) return exact[0] as Hit;
  if (hits.length > 1) {
    throw new RazorError(
      'InvalidUUID',
      `'${fragment}' matches ${hits.length} matchers; give more of the UUID`,
    );
  }
  return hits[0] as Hit;
}

/** Stamps and writes a rule whose matchers changed. */
async function saveRule(w: StoreWriter, ctx: VerbContext, rule: TagRuleDoc): Promise<void> {
  rule.updated_at = ctx.clock().toISOString();
  await w.put('tag', rule);
}

/** Checks `m`, new or changed in `rule`, then saves the rule; answers the matcher. */
async function saveMatcher(w: StoreWriter, ctx: VerbContext, rule: TagRuleDoc, m: TagMatcher) {
  checkMatcher(m);
  await saveRule(w, ctx, rule);
  return [m];
}

/** The four matcher verbs. */
export const matcherVerbs = [
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
        const rule = await mustGet<TagRuleDoc>(w, 'tag', input.tag);
        const { key, compare, value, inverse } = input;
        const m: TagMatcher = { uuid: ctx.newUuid(), key, compare, value, inverse };
        rule.matchers.push(m);
        return saveMatcher(w, ctx, rule, m);
      }),
  }),
  defineVerb({
    name: 'matcher get',
    summary: 'Show one matcher',
    ...ONE_MATCHER,
    forms: [':tag matcher :uuid'],
    success: 'ok',
    http: 'GET',
    path: ':tag/matcher/:uuid',
    view: 'item',
    command: 'get_matcher_by_uuid',
    columns: MATCHER_COLUMNS,
    handler: async (input, ctx) =>
      ctx.store.read(async (r) => {
        const { rule, index } = await findMatcher(r, input.uuid);
        return [rule.matchers[index]];
      }),
  }),
  defineVerb({
    name: 'matcher update',
    summary: 'Change a matcher',
    fields: {
      tag: tagUuid,
      uuid: matcherUuid,
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
        const { rule, index } = await findMatcher(w, input.uuid);
        const m = rule.matchers[index] as TagMatcher;
        if (input.key !== undefined) m.key = input.key;
        if (input.compare !== undefined) m.compare = input.compare;
        if (input.value !== undefined) m.value = input.value;
        if (input.inverse !== undefined) m.inverse = input.inverse;
        return saveMatcher(w, ctx, rule, m);
      }),
  }),
  defineVerb({
    name: 'matcher remove',
    summary: 'Remove a matcher from its rule',
    ...ONE_MATCHER,
    forms: [':tag matcher remove :uuid'],
    success: 'removed',
    http: 'DELETE',
    path: ':tag/matcher/:uuid',
    view: 'item',
    command: 'remove_matcher',
    handler: async (input, ctx) =>
      ctx.store.write(async (w) => {
        const { rule, index } = await findMatcher(w, input.uuid);
        rule.matchers.splice(index, 1);
        await saveRule(w, ctx, rule);
        return [rule];
      }),
  }),
];
