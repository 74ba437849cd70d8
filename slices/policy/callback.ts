/** `razor policy callback`: what installers call as they work, answered with a file or `ok` (ADR 0016). */
import { field } from '../../lib/verbs/fields.js';
import { defineVerb } from '../../lib/verbs/spec.js';
import { callback } from '../../lib/engine/callback.js';

/** The `callback` verb. */
export const callbackVerb = defineVerb({
  name: 'callback',
  command: 'get_callback',
  summary: "An installer's callback: fires a state-machine event and returns a file or 'ok'",
  description:
    'Installers reach it as GET /razor/api/policy/callback/<active_model>/<namespace>/<action>[/<arg>]. ' +
    "The boot script's URL reaches only public callbacks; the others need <uuid>.<install key>, " +
    'found only in the files served to the installing node (ADR 0016).',
  fields: {
    active_model: field.string({
      help: 'The whole UUID of the active model (no fragments: it guards the node’s secrets), or <uuid>.<install key>',
      required: true,
    }),
    namespace: field.string({
      help: 'Callback namespace, e.g. preseed, kickstart, postinstall, broker',
      required: true,
    }),
    args: field.list({
      help: 'The action and its argument, e.g. file, or send_ips 10.0.0.5',
      allowEmpty: true,
      keepOrder: true,
      default: [],
    }),
  },
  positional: ['active_model', 'namespace', 'args'],
  success: 'ok',
  http: 'GET',
  path: 'callback/:active_model/:namespace/*args',
  nodeFacing: true,
  contentType: 'text/plain',
  view: 'text',
  sample: { active_model: '{active_model}', namespace: 'status', args: ['now'] },
  moreSamples: [{ active_model: '{active_model}', namespace: 'status' }],
  handler: async (input, ctx) =>
    callback(ctx, { activeModel: input.active_model, namespace: input.namespace, args: input.args }),
});
