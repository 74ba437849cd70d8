/** Effects of the active_model verbs. */
import { expect } from '@jest/globals';
import { REDACTED } from '../../../lib/domain/metadata.js';
import {
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
import type { Outcome, SliceEffects } from './effect.js';

const am = (o: Outcome) => ({
  was: o.before.active_model?.[o.input.uuid as string] as Doc,
  now: stored(o, 'active_model', o.input.uuid as string),
});

const lastLog = (doc: Doc) => (doc.log as Doc[]).at(-1) as Doc;

/** The log rows of the seeded active models, as the log verbs show them. */
const seededRows = (o: Outcome, uuids: string[]) =>
  uuids.flatMap((u) =>
    ((o.before.active_model?.[u] as Doc).log as Doc[]).map((e) => ({
      active_model: u,
      node_uuid: (o.before.active_model?.[u] as Doc).node_uuid,
      at: e.at,
      state: e.old_state === e.state ? e.state : `${String(e.old_state)}=>${String(e.state)}`,
      action: e.action,
      result: e.result,
    })),
  );

/** active_model. */
export const activeModelEffects: SliceEffects = {
  list: listEffect('active_model'),
  get: {
    ...getEffect('active_model', ['model']),
    check: (o) => {
      const shown = only(o).model as { metadata: Doc };
      expect(shown.metadata.root_password).toBe(REDACTED);
      expect(shown.metadata.hostname_prefix).toBe('node');
    },
  },
  remove: removeEffect('active_model', 'active model'),
  'remove-all': removeAllEffect('active_model', 'active model'),
  reinstall: {
    store: (input) => ({ changed: { active_model: [input.uuid as string] } }),
    response: (o) => expect(only(o)).toMatchObject({ uuid: o.input.uuid, state: 'init' }),
    check: (o) => {
      const { was, now } = am(o);
      expect(now.state).toBe('init');
      expect(now.pin).toBeUndefined();
      expect(lastLog(now)).toMatchObject({ action: 'reinstall', state: 'init' });
      expect((now.log as Doc[]).length).toBe((was.log as Doc[]).length + 1);
      touched(was, now);
    },
  },
  'rebind-address': {
    store: (input) => ({ changed: { active_model: [input.uuid as string] } }),
    response: (o) => {
      const shown = only(o);
      expect(shown.uuid).toBe(o.input.uuid);
      if (o.input.address === undefined) expect(shown.pin).toBeUndefined();
      else expect(shown.pin).toMatchObject({ address: o.input.address, key: REDACTED });
    },
    check: (o) => {
      const { was, now } = am(o);
      expect(lastLog(now)).toMatchObject({ action: 'rebind_address' });
      if (o.input.address === undefined) expect(now.pin).toBeUndefined();
      else {
        expect(now.pin).toMatchObject({ address: o.input.address, served: {} });
        expect(String((now.pin as Doc).key)).toMatch(/^\w{22}$/);
      }
      touched(was, now);
    },
  },
  logs: {
    store: 'unchanged',
    response: (o) => expect(rows(o)).toEqual(seededRows(o, [o.input.uuid as string])),
  },
  logview: {
    store: 'unchanged',
    response: (o) => expect(rows(o)).toEqual(seededRows(o, Object.keys(o.before.active_model ?? {}))),
  },
};
