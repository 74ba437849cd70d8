/** Effects of the tag verbs: tag rules and their matchers. */
import { expect } from '@jest/globals';
import { addedDoc, crudEffects, only, stored, touched } from './common.js';
import type { Doc } from './common.js';
import type { Outcome, SliceEffects } from './effect.js';

const rule = (o: Outcome, when: 'before' | 'after') => (o[when].tag?.[o.input.tag as string] ?? {}) as Doc;
const matchers = (o: Outcome, when: 'before' | 'after') => rule(o, when).matchers as Doc[];

/** The tag rule named by the input changed (its matchers, its stamp). */
const changesRule = (input: Record<string, unknown>) => ({ changed: { tag: [input.tag as string] } });

const MATCHER_KEYS = ['key', 'compare', 'value', 'inverse'] as const;
const given = (o: Outcome) =>
  Object.fromEntries(MATCHER_KEYS.filter((k) => o.input[k] !== undefined).map((k) => [k, o.input[k]]));

/** tag. */
export const tagEffects: SliceEffects = {
  ...crudEffects('tag', 'tag rule'),
  add: {
    store: { added: { tag: 1 } },
    response: (o) => expect(only(o)).toEqual(addedDoc(o, 'tag')),
    check: (o) => {
      const doc = addedDoc(o, 'tag');
      expect(doc).toMatchObject({ name: o.input.name, tag: o.input.tag, matchers: [] });
      expect(doc.rule).toEqual(o.input.rule);
    },
  },
  update: {
    store: (input) => ({ changed: { tag: [input.uuid as string] } }),
    response: (o) => expect(only(o)).toEqual(stored(o, 'tag', o.input.uuid as string)),
    check: (o) => {
      const was = o.before.tag?.[o.input.uuid as string] as Doc;
      const now = stored(o, 'tag', o.input.uuid as string);
      touched(was, now);
      expect(now).toMatchObject({ name: o.input.name ?? was.name, tag: o.input.tag ?? was.tag });
      expect(now.rule).toEqual(o.input.rule ?? was.rule);
    },
  },
  'matcher add': {
    store: changesRule,
    response: (o) => expect(only(o)).toEqual(matchers(o, 'after').at(-1)),
    check: (o) => {
      expect(matchers(o, 'after').slice(0, -1)).toEqual(matchers(o, 'before'));
      expect(matchers(o, 'after').at(-1)).toEqual({ uuid: expect.any(String), inverse: false, ...given(o) });
      touched(rule(o, 'before'), rule(o, 'after'));
    },
  },
  'matcher get': {
    store: 'unchanged',
    response: (o) => expect(o.response).toEqual(matchers(o, 'before').filter((m) => m.uuid === o.input.uuid)),
  },
  'matcher update': {
    store: changesRule,
    response: (o) => expect(o.response).toEqual(matchers(o, 'after').filter((m) => m.uuid === o.input.uuid)),
    check: (o) => {
      const was = matchers(o, 'before').find((m) => m.uuid === o.input.uuid);
      expect(matchers(o, 'after')).toEqual([{ ...was, ...given(o) }]);
      touched(rule(o, 'before'), rule(o, 'after'));
    },
  },
  'matcher remove': {
    store: changesRule,
    response: (o) => expect(only(o)).toEqual(rule(o, 'after')),
    check: (o) => {
      expect(matchers(o, 'after')).toEqual(matchers(o, 'before').filter((m) => m.uuid !== o.input.uuid));
      expect(matchers(o, 'after')).toHaveLength(matchers(o, 'before').length - 1);
      touched(rule(o, 'before'), rule(o, 'after'));
    },
  },
};
