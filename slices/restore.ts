/**
 * The `restore` slice (CLI only): puts a backup back as the configured store, in one write
 * transaction — checked whole first, a non-empty store replaced only with --force, and the store
 * it replaces kept as a backup file (beside the embedded store, in $RAZOR_HOME for PostgreSQL).
 */
import { join } from 'node:path';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { field } from '../lib/verbs/fields.js';
import { RazorError } from '../lib/errors.js';
import { allDocuments, copyDocuments } from '../lib/store/copy.js';
import { readBackupFile, writeBackupFile } from '../lib/store/backup-file.js';
import { backupSource, keptPath } from '../lib/store/backup-path.js';
import { RAZOR_REQUIRED_FIELDS } from '../lib/store/store-shape.js';
import { isPostgresUrl } from '../lib/store/pg-url.js';
import { lockHolder, storeClaimed } from '../lib/runtime/daemon-lock.js';
import { silentProgress } from '../lib/images/progress.js';
import { documentsText } from './backup.js';

/**
 * Refuses to restore the embedded store `file` under a running daemon (it holds the store's
 * daemon lock, ADR 0025): the daemon's memory would go on from the store it had.
 */
function refuseUnderDaemon(file: string): void {
  if (storeClaimed(file) !== true) return;
  const pid = lockHolder(file).pid;
  const who = pid ? `a razor daemon (pid ${pid})` : 'a razor daemon';
  throw new RazorError(
    'CouldNotUpdate',
    `${who} is serving the store ${file}: stop it first (systemctl stop razor${pid ? `, or kill ${pid}` : ''}), ` +
      'run razor restore again, then start it; nothing was changed',
  );
}

/** The restore slice. */
export const restoreSlice = defineSlice({
  name: 'restore',
  summary: 'Replace the store with a backup written by razor backup; the old store is kept',
  http: false,
  verbs: [
    defineVerb({
      name: 'from',
      summary: 'Restore the configured store from a backup file; a non-empty store only with --force',
      description:
        'The backup is read and checked whole (structure, required fields) before anything changes, then copied in one write transaction. A store that holds anything is replaced only with --force, and what it held is first written as a backup file: <store>.before-restore-<time> beside the embedded store, $RAZOR_HOME/razor-database.before-restore-<time> for PostgreSQL (razor restore that file puts it back). Stop the daemon of an embedded store first; a PostgreSQL store is restored while its daemons run. Into a new machine: RAZOR_HOME=/var/lib/razor razor restore /var/backups/razor.json',
      fields: {
        file: field.string({ help: 'The backup file to restore, written by razor backup', required: true }),
        force: field.bool({
          help: 'Replace what the store holds (it is kept as a backup file)',
          short: 'f',
          flag: true,
        }),
      },
      positional: ['file'],
      forms: ['', ':file'],
      command: 'restore',
      success: 'ok',
      http: null,
      view: 'text',
      // The contract suite puts the seeded store here first: restoring it changes nothing.
      sample: { file: '/tmp/razor-backup-sample.json', force: true },
      handler: async (input, ctx) => {
        const file = backupSource(input.file);
        const docs = await readBackupFile(file, RAZOR_REQUIRED_FIELDS);
        const { store: url, persist_path: storeFile } = ctx.config.values;
        const postgres = isPostgresUrl(url);
        if (!postgres) refuseUnderDaemon(storeFile);
        const kept = keptPath(postgres ? join(ctx.config.home, 'razor-database') : storeFile, ctx.clock());
        const where = ctx.store.location;
        let keptText = '';
        let same = false;
        await copyDocuments(docs, ctx.store, {
          force: input.force === true,
          progress: ctx.progress ?? silentProgress,
          notEmpty: (held) =>
            new RazorError(
              'ConfirmationRequired',
              `the store ${where} holds ${held}: restoring ${file} replaces all of it; nothing was changed. ` +
                `Confirm with --force (-f; with -w: '{"force":true}'); the old store is then kept as a backup file`,
            ),
          onSame: () => (same = true),
          beforeReplace: async (r) => {
            const old = await allDocuments(r);
            const bytes = await writeBackupFile(kept, old);
            keptText = `; the store it replaced (${documentsText(old).total}, ${bytes} bytes) is kept in ${kept} — razor restore ${kept} --force puts it back`;
          },
        });
        const { total, each } = documentsText(docs);
        if (same)
          return `the store ${where} already holds exactly the ${total} of ${file}; nothing was changed`;
        return `restored ${total} from ${file} into ${where}${each}${keptText}`;
      },
    }),
  ],
});
