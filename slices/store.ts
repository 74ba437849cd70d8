/** The `store` slice (hidden, CLI only): moving a deployment between the embedded store and PostgreSQL. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { field } from '../lib/verbs/fields.js';
import { RazorError } from '../lib/errors.js';
import { copyStore } from '../lib/store/copy.js';
import { openStoreAt } from '../lib/store/open.js';
import { isPostgresUrl, redactStoreUrl, storeUrlProblem } from '../lib/store/pg-url.js';
import { silentProgress } from '../lib/images/progress.js';
import type { Store } from '../lib/store/store.js';

/** The longest file name Linux file systems take, and the room its lock and generations need. */
const NAME_MAX = 255;
const SUFFIX_ROOM = 8;

/** Where a store is: a postgres:// URL as given, or a file path made absolute. */
function storeAt(raw: string, flag: string, mustExist: boolean): string {
  if (isPostgresUrl(raw)) {
    const problem = storeUrlProblem(raw);
    if (problem) throw new RazorError('InputError', `${flag} '${redactStoreUrl(raw)}': ${problem}`);
    return raw;
  }
  const file = resolve(raw);
  if (mustExist && !existsSync(file))
    throw new RazorError(
      'NotFound',
      `${flag} ${file}: no such store file (give a store file or a postgres:// URL)`,
    );
  if (existsSync(file) && !statSync(file).isFile())
    throw new RazorError(
      'InputError',
      `${flag} ${file}: not a store file (give a razor.json file or a postgres:// URL)`,
    );
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new RazorError(
      'InputError',
      `${flag} ${file}: the folder ${folder} does not exist; create it first`,
    );
  // Beside the file go its lock and its generations (razor.json.lock, razor.json.12).
  if (Buffer.byteLength(basename(file)) > NAME_MAX - SUFFIX_ROOM)
    throw new RazorError(
      'InputError',
      `${flag} ${basename(file).slice(0, 40)}…: the file name is too long (at most ${NAME_MAX - SUFFIX_ROOM} bytes)`,
    );
  return file;
}

/** The store slice. */
export const storeSlice = defineSlice({
  name: 'store',
  summary: 'Copy a deployment between stores (the embedded JSON file, PostgreSQL)',
  hidden: true,
  http: false,
  verbs: [
    defineVerb({
      name: 'copy',
      summary: 'Copy everything from one store into another, which must be empty unless --force',
      description:
        'Nodes, tags, policies and their order, models, active models with their logs, brokers, images, BMCs, tokens and meta, each document byte for byte, in one transaction on the target. A store is a file path (razor.json) or a postgres:// URL.',
      fields: {
        from: field.string({
          help: 'The store to copy: a razor.json path or a postgres:// URL (default: the configured store)',
        }),
        to: field.string({
          help: 'The store to fill: a razor.json path or a postgres:// URL',
          required: true,
        }),
        force: field.bool({ help: 'Replace what the target holds', short: 'f', flag: true }),
      },
      success: 'ok',
      http: null,
      view: 'text',
      // The contract suite copies the seeded store here: the same documents each time, so a no-op after the first.
      sample: { to: '/tmp/razor-store-copy-sample.json' },
      // A copy of that copy, replacing what an earlier run left.
      moreSamples: [
        { from: '/tmp/razor-store-copy-sample.json', to: '/tmp/razor-store-copy-sample-2.json', force: true },
      ],
      handler: async (input, ctx) => {
        const configured = ctx.config.values.store || ctx.config.values.persist_path;
        const from = storeAt(input.from ?? configured, '--from', true);
        const to = storeAt(input.to, '--to', false);
        if (from === to) throw new RazorError('InputError', '--from and --to name the same store');
        const generations = ctx.config.values.store_generations;
        const stores: Store[] = [];
        try {
          stores.push(await openStoreAt(from, { generations }));
          stores.push(await openStoreAt(to, { generations }));
          const [source, target] = stores as [Store, Store];
          const counts = await copyStore(source, target, {
            force: input.force === true,
            progress: ctx.progress ?? silentProgress,
          });
          const total = Object.values(counts).reduce((n, c) => n + c, 0);
          const each = Object.entries(counts).map(([c, n]) => `${c} ${n}`);
          return `copied ${total} documents from ${source.location} to ${target.location}${each.length ? `: ${each.join(', ')}` : ''}`;
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      },
    }),
  ],
});
