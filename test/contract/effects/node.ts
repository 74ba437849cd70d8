/** Effects of the node verbs. */
import { expect } from '@jest/globals';
import { getEffect, listEffect, only, removeAllEffect, removeEffect, rows, stored } from './common.js';
import type { Doc } from './common.js';
import type { Outcome, SliceEffects } from './effect.js';
import { SEED } from '../../helpers/fixture.js';

const seeded = (o: Outcome) => o.before.node?.[SEED.node] as Doc;

/** Checked in after the seeded time. */
const checkedIn = (o: Outcome) =>
  expect(Date.parse(String(stored(o, 'node', SEED.node).checked_in_at))).toBeGreaterThan(
    Date.parse(String(seeded(o).checked_in_at)),
  );

const get = getEffect('node');

/** node. */
export const nodeEffects: SliceEffects = {
  // The samples' hw_id is the seeded idle node's: it checks in (and is told to register).
  checkin: {
    store: { changed: { node: [SEED.node] } },
    response: (o) => {
      expect(o.response).toEqual({ command_name: 'register', command_param: {} });
      expect(o.envelope?.client_config).toMatchObject({ mk_uri: 'http://10.0.2.2:8026' });
    },
    check: (o) => {
      checkedIn(o);
      expect(stored(o, 'node', SEED.node).last_state).toBe(o.input.last_state);
    },
  },
  register: {
    store: { changed: { node: [SEED.node] } },
    response: (o) => {
      expect(o.response).toMatchObject({ uuid: SEED.node, attributes: o.input.attributes_hash as Doc });
      expect(o.envelope?.client_config).toMatchObject({ mk_uri: 'http://10.0.2.2:8026' });
    },
    check: (o) => {
      checkedIn(o);
      expect(stored(o, 'node', SEED.node)).toMatchObject({
        attributes: o.input.attributes_hash as Doc,
        hw_id: ['525400123456', '525400123457'],
      });
    },
  },
  tags: {
    store: 'unchanged',
    response: (o) => {
      const matched = rows(o)
        .filter((r) => r.matched)
        .map((r) => r.tag);
      expect(matched).toEqual(['memsize_16GiB', 'nics_2', 'kvm_vm', 'dual_nic']);
      const unmatched = rows(o).filter((r) => !r.matched);
      if (o.input.explain) expect(unmatched.length).toBeGreaterThan(0);
      else expect(unmatched).toEqual([]);
      expect(rows(o).find((r) => r.tag === 'dual_nic')?.rule).toBe('two nics');
    },
  },
  list: listEffect('node', (o) => {
    const want: Record<string, string> = { [SEED.node]: 'inactive', [SEED.node2]: 'bound' };
    for (const n of rows(o)) expect([n.uuid, n.status]).toEqual([n.uuid, want[String(n.uuid)]]);
  }),
  get: {
    store: 'unchanged',
    response: (o) => {
      if (o.input.field === 'attributes') expect(only(o)).toEqual(seeded(o).attributes);
      else get.response(o);
    },
  },
  remove: removeEffect('node', 'node'),
  'remove-all': removeAllEffect('node', 'node'),
};
