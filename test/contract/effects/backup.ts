/**
 * Effects of backup and restore: a backup reads the store and writes the sample file (removed
 * first, so every case writes it); restoring the seeded store's own documents is
 * done already and leaves the store as it was.
 */
import { expect } from '@jest/globals';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { samplePath } from '../../helpers/fixture.js';
import type { SliceEffects } from './effect.js';

/** The file the backup and restore samples name (in this test file's own folder). */
const sample = () => samplePath('/tmp/razor-backup-sample.json');

/** backup. */
export const backupEffects: SliceEffects = {
  to: {
    store: 'unchanged',
    prepareHome: () => rmSync(sample(), { force: true }),
    response: (o) => {
      expect(String(o.response)).toMatch(
        /^backed up \d+ documents from \S+razor\.json to \S*\/razor-backup-sample\.json \(\d+ bytes\): node \d+/,
      );
      expect(JSON.parse(readFileSync(sample(), 'utf8')).collections).toEqual(o.before);
    },
  },
};

/** restore. */
export const restoreEffects: SliceEffects = {
  from: {
    store: 'unchanged',
    // The seeded store as the backup to restore (renamed into place: never half a file).
    prepareHome: (home) => {
      writeFileSync(`${sample()}.${process.pid}`, readFileSync(join(home, 'razor.json')));
      renameSync(`${sample()}.${process.pid}`, sample());
    },
    response: (o) => {
      expect(String(o.response)).toMatch(
        /^the store \S+razor\.json already holds exactly the \d+ documents of \S*\/razor-backup-sample\.json; nothing was changed$/,
      );
    },
  },
};
