/** Effects of the policy verbs: the policies, the policy table's order, and what binds. */
import { expect } from '@jest/globals';
import {
  addedDoc,
  getEffect,
  listEffect,
  only,
  removeAllEffect,
  removeEffect,
  rows,
  stored,
  touched,
} from './common.js';
import type { Doc } from './common.js';
import type { Effect, Outcome, SliceEffects } from './effect.js';
import { SEED } from '../../helpers/fixture.js';

const TABLE = { meta: ['policy_table'] };
const order = (o: Outcome, when: 'before' | 'after') => (o[when].meta?.policy_table as Doc).order as string[];

/** What the presenter adds to a stored policy. */
const presented = (o: Outcome, doc: Doc) => ({
  ...doc,
  line_number: order(o, 'after').indexOf(doc.uuid as string),
  model_label: (o.after.model?.[doc.model_uuid as string] as Doc).label,
  current_count: Object.values(o.after.active_model ?? {}).filter((a) => a.policy_uuid === doc.uuid).length,
});

const toggle = (enabled: boolean): Effect => ({
  // Enabling is shown on a disabled policy.
  prepare: (seed) => {
    (seed.policy?.[SEED.policy] as Doc).enabled = !enabled;
  },
  store: (input) => ({ changed: { policy: [input.uuid as string] } }),
  response: (o) => expect(only(o)).toEqual(presented(o, stored(o, 'policy', o.input.uuid as string))),
  check: (o) => {
    const now = stored(o, 'policy', o.input.uuid as string);
    expect(now.enabled).toBe(enabled);
    touched(o.before.policy?.[o.input.uuid as string] as Doc, now);
  },
});

/** policy. */
export const policyEffects: SliceEffects = {
  list: listEffect('policy', (o) => expect(rows(o).map((p) => p.line_number)).toEqual([0, 1])),
  get: {
    ...getEffect('policy'),
    check: (o) =>
      expect(only(o)).toMatchObject({ line_number: 0, model_label: 'bookworm', current_count: 1 }),
  },
  remove: removeEffect('policy', 'policy', {
    store: (input) => ({ removed: { policy: [input.uuid as string] }, changed: TABLE }),
    check: (o) => expect(order(o, 'after')).toEqual(order(o, 'before').filter((u) => u !== o.input.uuid)),
  }),
  'remove-all': removeAllEffect('policy', 'policy', {
    store: { removed: { policy: 'all' }, changed: TABLE },
    check: (o) => expect(order(o, 'after')).toEqual([]),
  }),
  templates: {
    store: 'unchanged',
    response: (o) =>
      expect(rows(o).map((t) => t.name)).toEqual([
        'linux_deploy',
        'vmware_hypervisor',
        'xenserver_hypervisor',
      ]),
  },
  add: {
    store: { added: { policy: 1 }, changed: TABLE },
    response: (o) => expect(only(o)).toEqual(presented(o, addedDoc(o, 'policy'))),
    check: (o) => {
      const doc = addedDoc(o, 'policy');
      expect(doc).toMatchObject({
        label: o.input.label,
        template: o.input.template,
        model_uuid: o.input.model_uuid,
        tags: String(o.input.tags).split(','),
        broker_uuid: o.input.broker_uuid ?? null,
        enabled: o.input.enabled === 'true',
        maximum_count: Number(o.input.maximum ?? 0),
        counter: 0,
      });
      // Appended to the end of the table.
      expect(order(o, 'after')).toEqual([...order(o, 'before'), doc.uuid]);
    },
  },
  update: {
    // Only `after` moves the first policy (it is already on line 0 and before the second).
    store: (input) => ({
      changed: { policy: [input.uuid as string], ...(input.after !== undefined ? TABLE : {}) },
    }),
    response: (o) => expect(only(o)).toEqual(presented(o, stored(o, 'policy', o.input.uuid as string))),
    check: (o) => {
      const was = o.before.policy?.[o.input.uuid as string] as Doc;
      const now = stored(o, 'policy', o.input.uuid as string);
      touched(was, now);
      const i = o.input;
      expect(now).toMatchObject({
        label: i.label ?? was.label,
        model_uuid: i.model_uuid ?? was.model_uuid,
        tags: i.tags === undefined ? was.tags : String(i.tags).split(','),
        broker_uuid:
          i.broker_uuid === undefined ? was.broker_uuid : i.broker_uuid === 'none' ? null : i.broker_uuid,
        enabled: i.enabled === undefined ? was.enabled : i.enabled === 'true',
        maximum_count: i.maximum === undefined ? was.maximum_count : Number(i.maximum),
      });
      if (i.after !== undefined) expect(order(o, 'after')).toEqual([SEED.policy2, SEED.policy]);
      else expect(order(o, 'after')).toEqual([SEED.policy, SEED.policy2]);
    },
  },
  enable: toggle(true),
  disable: toggle(false),
  // The status callback answers the install's state and records nothing.
  callback: {
    store: 'unchanged',
    response: (o) =>
      expect(o.response).toBe(`${String(o.before.active_model?.[SEED.active_model]?.state)}\n`),
  },
  simulate: {
    store: 'unchanged',
    response: (o) => {
      if (o.input.node === undefined && o.input.facts === undefined) {
        expect(rows(o).map((r) => [r.policy, r.binds])).toEqual([
          ['first', false],
          ['second', false],
          ['(none)', false],
        ]);
        return;
      }
      // The seeded node and the sample facts have two NICs: the first policy binds.
      expect(rows(o)).toEqual([
        { line: 0, policy: 'first', uuid: SEED.policy, binds: true, why: 'matches tags nics_2' },
      ]);
    },
  },
};
