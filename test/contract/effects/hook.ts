/** Effects of the hook verbs (CLI only). */
import { expect } from '@jest/globals';
import { SEED } from '../../helpers/fixture.js';
import { addedDoc, listEffect, only, rows } from './common.js';
import type { SliceEffects } from './effect.js';

/** hook. */
export const hookEffects: SliceEffects = {
  add: {
    store: { added: { hook: 1 } },
    response: (o) => {
      const doc = addedDoc(o, 'hook');
      const kind = o.input.url === undefined ? 'script' : 'url';
      const target = o.input.url ?? o.input.script;
      expect(doc).toMatchObject({ name: o.input.name, kind, target, start_seq: expect.any(Number) });
      const events = o.input.events ?? [];
      expect(doc.events).toEqual(typeof events === 'string' ? events.split(',') : events);
      expect(doc.timeout).toBe(o.input.timeout ?? 10);
      expect(doc.max_attempts).toBe(o.input.max_attempts ?? 5);
      expect(doc.secret).toBe(o.input.secret);
      // The secret is kept to sign with, never shown.
      const shown = only(o);
      expect(shown.secret).toBe(o.input.secret === undefined ? undefined : '(set)');
      expect(shown.status).toEqual({ queue_depth: 0, delivered: 0, failed: 0, dropped: 0 });
    },
  },
  list: listEffect('hook', (o) => expect(rows(o).map((h) => h.name)).toEqual(['seeded-hook'])),
  get: {
    store: 'unchanged',
    response: (o) => {
      expect(only(o)).toMatchObject({ uuid: SEED.hook, name: 'seeded-hook', target: '/bin/true' });
      expect(only(o).status).toMatchObject({ delivered: 0, failed: 0, dropped: 0 });
    },
  },
  remove: {
    store: { removed: { hook: [SEED.hook] } },
    response: (o) => expect(o.response).toBe('hook seeded-hook removed'),
  },
  test: {
    store: 'unchanged',
    response: (o) => expect(o.response).toBe('hook seeded-hook: hook-test event delivered to /bin/true'),
  },
};
