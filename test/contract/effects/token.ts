/** Effects of the token verbs (CLI only). */
import { expect } from '@jest/globals';
import { tokenDigest } from '../../../lib/domain/tokens.js';
import { addedDoc, getEffect, listEffect, only, removeAllEffect, removeEffect, rows } from './common.js';
import type { SliceEffects } from './effect.js';

/** token. */
export const tokenEffects: SliceEffects = {
  create: {
    store: { added: { token: 1 } },
    response: (o) => {
      const doc = addedDoc(o, 'token');
      const shown = only(o);
      expect(shown).toEqual({
        uuid: doc.uuid,
        name: o.input.name,
        created_at: doc.created_at,
        token: expect.any(String),
      });
      // Shown once; only its digest is kept.
      expect(String(shown.token)).toMatch(/^rzr_\w+$/);
      expect(doc.sha256).toBe(tokenDigest(String(shown.token)));
      expect(JSON.stringify(doc)).not.toContain(String(shown.token));
    },
  },
  list: listEffect('token', (o) => expect(rows(o).every((t) => !('sha256' in t))).toBe(true)),
  get: {
    ...getEffect('token', ['sha256']),
    check: (o) => expect('sha256' in only(o)).toBe(false),
  },
  revoke: removeEffect('token', 'token'),
  'remove-all': removeAllEffect('token', 'token'),
};
