/** Effects of the log verb (read-only; it reads a log the test writes). */
import { expect } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rows } from './common.js';
import type { SliceEffects } from './effect.js';

const HOUR = 3_600_000;

/** Three entries: an audited admin change now, a plain info line now, an audited change 2 days ago. */
function writeLog(home: string): void {
  const now = Date.now();
  const lines = [
    { time: now - 48 * HOUR, level: 30, audit: true, method: 'POST', url: '/razor/api/tag', status: 201 },
    {
      time: now - HOUR,
      level: 30,
      audit: true,
      req_id: 'r7',
      who: 'seeded',
      method: 'POST',
      url: '/razor/api/policy',
      status: 201,
    },
    { time: now, level: 40, msg: 'request over its time limit' },
  ];
  writeFileSync(join(home, 'log', 'razor.log'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/** log. */
export const logEffects: SliceEffects = {
  show: {
    store: 'unchanged',
    prepareHome: writeLog,
    response: (o) => {
      const msgs = rows(o).map((r) => r.msg);
      // The sample filters: audited, info, "POST", within a day.
      if (o.input.audit) expect(msgs).toEqual(['POST /razor/api/policy → 201']);
      else
        expect(msgs).toEqual([
          'POST /razor/api/tag → 201',
          'POST /razor/api/policy → 201',
          'request over its time limit',
        ]);
      expect(rows(o).find((r) => r.req_id === 'r7')).toMatchObject({ level: 'info', who: 'seeded' });
    },
  },
};
