/** `razor policy update|enable|disable`: change a policy, or move it in the policy table. */
import { RazorError } from '../../lib/errors.js';
import { field } from '../../lib/verbs/fields.js';
import { updateVerb } from '../../lib/verbs/crud/index.js';
import { moveBeside, moveTo, policyOrder, saveOrder } from '../../lib/engine/policy-order.js';
import { brokerOf, checkModel, crud, policyFields } from './present.js';
import type { VerbSpec } from '../../lib/verbs/spec.js';
import type { PolicyDoc } from '../../lib/domain/documents.js';

/** The `update` verb. */
export const updatePolicyVerb = updateVerb(crud, {
  summary: 'Change a policy or move it in the table',
  fields: {
    ...policyFields(false),
    new_line_number: field.int({
      help: 'Move to this 0-based line of the policy table',
      short: 'n',
      min: 0,
    }),
    before: field.uuid('policy', { help: 'Move just before this policy' }),
    after: field.uuid('policy', { help: 'Move just after this policy' }),
  },
  http: 'PUT',
  path: ':uuid',
  sample: {
    uuid: '{policy}',
    label: 'db servers',
    model_uuid: '{model}',
    tags: 'memsize_32GiB',
    broker_uuid: 'none',
    enabled: 'false',
    maximum: '2',
    new_line_number: '0',
  },
  moreSamples: [
    { uuid: '{policy}', before: '{policy2}' },
    { uuid: '{policy}', after: '{policy2}' },
  ],
  apply: async (doc: PolicyDoc, input, _ctx, w) => {
    if (input.label !== undefined) doc.label = input.label;
    if (input.model_uuid !== undefined) {
      await checkModel(w, doc.template, input.model_uuid);
      doc.model_uuid = input.model_uuid;
    }
    if (input.broker_uuid !== undefined) doc.broker_uuid = brokerOf(input.broker_uuid);
    if (input.tags !== undefined) doc.tags = input.tags;
    if (input.enabled !== undefined) doc.enabled = input.enabled;
    if (input.maximum !== undefined) doc.maximum_count = input.maximum;
    const moves = (['new_line_number', 'before', 'after'] as const).filter((k) => input[k] !== undefined);
    if (moves.length > 1) throw new RazorError('InputError', `give only one of: ${moves.join(', ')}`);
    let order = await policyOrder(w);
    if (input.new_line_number !== undefined) order = moveTo(order, doc.uuid, input.new_line_number);
    if (input.before !== undefined) order = moveBeside(order, doc.uuid, input.before, 'before');
    if (input.after !== undefined) order = moveBeside(order, doc.uuid, input.after, 'after');
    await saveOrder(w, order);
  },
});

/** `enable` or `disable`: whether the policy binds nodes. */
export function toggle(name: 'enable' | 'disable'): VerbSpec {
  return updateVerb(crud, {
    name,
    summary: `${name === 'enable' ? 'Enable' : 'Disable'} a policy`,
    fields: {},
    http: 'POST',
    path: `${name}/:uuid`,
    sample: { uuid: '{policy}' },
    apply: (doc: PolicyDoc) => {
      doc.enabled = name === 'enable';
    },
  });
}
