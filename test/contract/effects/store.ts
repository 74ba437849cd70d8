/** Effects of the store verbs: a copy reads the configured store and leaves it as it was. */
import { expect } from '@jest/globals';
import type { SliceEffects } from './effect.js';

/** store. */
export const storeEffects: SliceEffects = {
  copy: {
    store: 'unchanged',
    response: (o) => {
      expect(String(o.response)).toMatch(
        /^copied \d+ documents from \S+\.json to \S*\/razor-store-copy-sample(-2)?\.json: node \d+/,
      );
    },
  },
};
