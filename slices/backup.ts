/** The `backup` slice (CLI only): a consistent snapshot of the configured store, written to a file. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { field } from '../lib/verbs/fields.js';
import { countsOf, readEverything, type AllDocuments } from '../lib/store/copy.js';
import { existingBackup, writeBackupFile } from '../lib/store/backup-file.js';
import { backupTarget } from '../lib/store/backup-path.js';
import { journalPath } from '../lib/store/json-store.js';
import { isPostgresUrl } from '../lib/store/pg-url.js';
import { RazorError } from '../lib/errors.js';

/** `12 documents` and `: node 3, policy 1, …` of a store's documents, for messages. */
export function documentsText(docs: AllDocuments): { total: string; each: string } {
  const counts = Object.entries(countsOf(docs));
  const n = counts.reduce((sum, [, c]) => sum + c, 0);
  return {
    total: `${n} document${n === 1 ? '' : 's'}`,
    each: counts.length ? `: ${counts.map(([c, k]) => `${c} ${k}`).join(', ')}` : '',
  };
}

/** The backup slice. */
export const backupSlice = defineSlice({
  name: 'backup',
  summary: 'Write a consistent snapshot of the store (embedded or PostgreSQL) to a file',
  http: false,
  verbs: [
    defineVerb({
      name: 'to',
      summary: 'Back up every document of the configured store to a file, while the daemon runs',
      description:
        'Reads the whole store in one read transaction (a consistent snapshot, also while the daemon serves nodes) and writes it in the embedded store format: to a temp file beside the backup, fsynced, then renamed, so a crash never leaves half a backup under its name. An existing file is replaced only with --force (one that already holds exactly this backup is left as it is). Put it back with razor restore. A nightly backup: razor backup /var/backups/razor.json --force',
      fields: {
        file: field.string({
          help: 'The backup file to write, e.g. /var/backups/razor.json',
          required: true,
        }),
        force: field.bool({ help: 'Replace the file if it exists', short: 'f', flag: true }),
      },
      positional: ['file'],
      forms: ['', ':file'],
      command: 'backup',
      success: 'ok',
      http: null,
      view: 'text',
      // The contract suite writes the seeded store here: the same documents each time, so done already after the first.
      sample: { file: '/tmp/razor-backup-sample.json', force: true },
      handler: async (input, ctx) => {
        const file = backupTarget(input.file);
        const { store: url, persist_path: storeFile } = ctx.config.values;
        if (!isPostgresUrl(url) && [resolve(storeFile), journalPath(resolve(storeFile))].includes(file))
          throw new RazorError('InputError', `${file} is the store itself: write the backup elsewhere`);
        const docs = await readEverything(ctx.store);
        const { total, each } = documentsText(docs);
        if (input.force !== true && existsSync(file) && (await existingBackup(file, docs)))
          return `${file} already holds exactly the ${total} of ${ctx.store.location}; nothing was written`;
        const bytes = await writeBackupFile(file, docs);
        return `backed up ${total} from ${ctx.store.location} to ${file} (${bytes} bytes)${each}`;
      },
    }),
  ],
});
