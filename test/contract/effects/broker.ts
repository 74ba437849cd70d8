/** Effects of the broker verbs. */
import { expect } from '@jest/globals';
import { addedDoc, crudEffects, only, rows, stored, touched } from './common.js';
import type { Doc } from './common.js';
import type { SliceEffects } from './effect.js';

/** broker. */
export const brokerEffects: SliceEffects = {
  ...crudEffects('broker', 'broker'),
  plugins: {
    store: 'unchanged',
    response: (o) => {
      expect(rows(o).map((p) => p.plugin)).toEqual(['chef', 'noop', 'puppet', 'script']);
      expect(rows(o).find((p) => p.plugin === 'puppet')?.metadata).toBe('server, port, broker_version');
    },
  },
  add: {
    store: { added: { broker: 1 } },
    response: (o) => expect(only(o)).toEqual(addedDoc(o, 'broker')),
    check: (o) =>
      expect(addedDoc(o, 'broker')).toMatchObject({
        name: o.input.name,
        // Left out, the description is the plugin's and the metadata empty.
        description: o.input.description ?? expect.stringMatching(/\S/),
        plugin: o.input.plugin,
        metadata: (o.input.req_metadata_hash as Doc | undefined) ?? {},
      }),
  },
  update: {
    store: (input) => ({ changed: { broker: [input.uuid as string] } }),
    response: (o) => expect(only(o)).toEqual(stored(o, 'broker', o.input.uuid as string)),
    check: (o) => {
      const was = o.before.broker?.[o.input.uuid as string] as Doc;
      const now = stored(o, 'broker', o.input.uuid as string);
      touched(was, now);
      expect(now).toMatchObject({
        name: o.input.name ?? was.name,
        description: o.input.description ?? was.description,
        metadata: { ...(was.metadata as Doc), ...((o.input.req_metadata_hash as Doc | undefined) ?? {}) },
      });
    },
  },
};
