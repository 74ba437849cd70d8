/** Effects of the bmc verbs. */
import { expect } from '@jest/globals';
import { crudEffects, stored, touched } from './common.js';
import type { Doc } from './common.js';
import type { SliceEffects } from './effect.js';
import { SEED } from '../../helpers/fixture.js';

/** bmc. */
export const bmcEffects: SliceEffects = {
  ...crudEffects('bmc', 'BMC'),
  // The sample's MAC is the seeded BMC's: registering it again moves its IP address.
  register: {
    store: { changed: { bmc: [SEED.bmc] } },
    response: (o) => expect(o.response).toMatchObject({ uuid: SEED.bmc, ip: o.input.ip_address }),
    check: (o) => {
      const now = stored(o, 'bmc', SEED.bmc);
      expect(now).toMatchObject({ mac: '002590AABBCC', ip: o.input.ip_address, power_state: 'unknown' });
      touched(o.before.bmc?.[SEED.bmc] as Doc, now);
    },
  },
  update: {
    store: (input) => ({ changed: { bmc: [input.uuid as string] } }),
    response: (o) => expect(o.response).toBe(`node '${o.input.uuid as string}' now power cycling`),
    check: (o) => expect(stored(o, 'bmc', o.input.uuid as string).power_state).toBe('on'),
  },
};
