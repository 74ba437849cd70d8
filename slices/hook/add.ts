/** `razor hook add`: a script or a URL for events of chosen types, checked before it is stored. */
import { RazorError } from '../../lib/errors.js';
import { EVENT_TYPES } from '../../lib/events/event-types.js';
import { eventJournal } from '../../lib/events/journal.js';
import { field } from '../../lib/verbs/fields.js';
import { defineVerb } from '../../lib/verbs/spec.js';
import { created } from '../../lib/verbs/crud/index.js';
import { hookEventTypes, hookTarget, type HookDoc } from '../../lib/hooks/hook-doc.js';
import { nameField, shownHook } from './common.js';

/** The add verb. */
export const addHookVerb = defineVerb({
  name: 'add',
  summary: 'Add a hook: a script run with each event on stdin, or a URL each event is POSTed to',
  description: `Event types: ${EVENT_TYPES.join(', ')} (default: all). The script must be an absolute path to an executable file that its group and others cannot change; it runs as the daemon's user with PATH, RAZOR_EVENT, RAZOR_EVENT_SEQ and RAZOR_HOOK only, and exit status 0 means delivered. A URL gets a POST with X-Razor-Event, X-Razor-Delivery and, with --secret, X-Razor-Signature-256: sha256=<HMAC-SHA256 of the body>; a 2xx answer means delivered. Failed deliveries are retried with exponential backoff (1 s, 2 s, 4 s … at most 5 min) up to --max-attempts.`,
  fields: {
    name: nameField('A name for the hook'),
    script: field.string({ help: 'Absolute path of a program to run for each event' }),
    url: field.string({ help: 'http(s) URL to POST each event to' }),
    events: field.list({
      help: `Event types to deliver, comma-separated (default: all): ${EVENT_TYPES.join(', ')}`,
    }),
    timeout: field.int({
      help: 'Seconds one delivery may take (a script is killed then)',
      default: 10,
      min: 1,
      max: 3600,
    }),
    secret: field.string({ help: 'Key of the HMAC-SHA256 signature header of URL deliveries' }),
    max_attempts: field.int({
      help: 'Deliveries of one event tried before it counts as failed',
      default: 5,
      min: 1,
      max: 100,
    }),
  },
  oneOf: [['script', 'url']],
  success: 'created',
  http: null,
  view: 'item',
  sample: {
    name: 'notify',
    url: 'https://hooks.example.com/razor',
    events: 'node-bound,node-install-finished',
    timeout: 5,
    secret: 'hmac-key',
    max_attempts: 3,
  },
  moreSamples: [{ name: 'local', script: '/bin/true', events: 'node-deleted' }],
  handler: async (input, ctx) => {
    const target = await hookTarget(input);
    const events = hookEventTypes(input.events ?? []);
    if (input.secret !== undefined && target.kind === 'script')
      throw new RazorError(
        'InputError',
        'secret: only URL hooks are signed; a script hook takes no --secret',
      );
    const start_seq = await eventJournal(ctx.config.home).lastSeq();
    const doc = await ctx.store.write(async (w) => {
      if ((await w.all<HookDoc>('hook')).some((h) => h.name === input.name))
        throw new RazorError('CouldNotCreate', `a hook named '${input.name}' exists already`);
      const doc: HookDoc = {
        ...created(ctx),
        name: input.name,
        ...target,
        events,
        timeout: input.timeout,
        max_attempts: input.max_attempts,
        ...(input.secret !== undefined ? { secret: input.secret } : {}),
        start_seq,
      };
      await w.put('hook', doc);
      return doc;
    });
    return [await shownHook(doc, ctx)];
  },
});
