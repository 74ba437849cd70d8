/**
 * The `hook` slice (CLI only, ADR 0032): programs to run or URLs to POST to for each event. A hook
 * runs or connects as the daemon's user, so only whoever runs the CLI against the store — the host's
 * operator — may set one; over HTTP the slice does not exist.
 */
import { defineSlice } from '../../lib/verbs/spec.js';
import { columns } from '../../lib/verbs/columns.js';
import { listVerb } from '../../lib/verbs/crud/index.js';
import { addHookVerb } from './add.js';
import { namedHookVerbs } from './by-name.js';
import { shownHook } from './common.js';
import type { HookDoc } from '../../lib/hooks/hook-doc.js';

const mark = (m: unknown) => {
  const at = (m as { at?: string; error?: string } | undefined) ?? {};
  return at.at ? `${at.at}${at.error ? ` ${at.error}` : ''}` : '-';
};
const status = (o: Record<string, unknown>) => (o.status ?? {}) as Record<string, unknown>;
const eventsShown = (o: Record<string, unknown>) =>
  (o.events as string[]).length ? (o.events as string[]).join(',') : 'all';

/** The hook slice. */
export const hookSlice = defineSlice({
  name: 'hook',
  summary: 'Hooks: a program run or a URL POSTed to for each event (node registered, bound, installed, …)',
  http: false,
  collection: 'hook',
  filterable: ['uuid', 'name', 'kind', 'target'],
  table: columns({
    Name: 'name',
    Kind: 'kind',
    Target: 'target',
    Events: eventsShown,
    Queue: (o) => status(o).queue_depth,
    Delivered: (o) => status(o).delivered,
    Failed: (o) => status(o).failed,
    Dropped: (o) => status(o).dropped,
    'Last success': (o) => mark(status(o).last_success),
    'Last error': (o) => mark(status(o).last_error),
  }),
  item: columns({
    Name: 'name',
    Kind: 'kind',
    Target: 'target',
    Events: eventsShown,
    Timeout: (o) => `${String(o.timeout)} s`,
    'Max attempts': 'max_attempts',
    Secret: (o) => o.secret ?? '-',
    Queue: (o) => status(o).queue_depth,
    'Delivered/failed/dropped': (o) =>
      `${String(status(o).delivered)}/${String(status(o).failed)}/${String(status(o).dropped)}`,
    'Last success': (o) => mark(status(o).last_success),
    'Last error': (o) => mark(status(o).last_error),
    UUID: 'uuid',
  }),
  verbs: [
    addHookVerb,
    listVerb({
      slice: 'hook',
      collection: 'hook',
      noun: 'hook',
      summary: 'List every hook with its delivery status',
      present: (doc, ctx) => shownHook(doc as HookDoc, ctx),
    }),
    ...namedHookVerbs,
  ],
});
