/** `razor policy simulate`: which policy would bind a node (or a set of facts), and why. */
import { RazorError } from '../../lib/errors.js';
import { field } from '../../lib/verbs/fields.js';
import { defineVerb } from '../../lib/verbs/spec.js';
import { mustGet } from '../../lib/verbs/crud/index.js';
import { policyOrder } from '../../lib/engine/policy-order.js';
import { evaluatePolicies } from '../../lib/engine/bind.js';
import { tagsOf } from '../../lib/engine/nodes.js';
import type { NodeDoc } from '../../lib/domain/documents.js';

/** The `simulate` verb. */
export const simulateVerb = defineVerb({
  name: 'simulate',
  summary: 'Which policy would bind a node (or a set of facts), and why each earlier one would not',
  fields: {
    node: field.uuid('node', { help: 'UUID of a known node' }),
    facts: field.json({
      help: 'Facts instead of a node: JSON, or on the CLI a JSON file path',
      short: 'f',
    }),
  },
  positional: ['node'],
  success: 'ok',
  http: 'GET',
  path: 'simulate/:node',
  view: 'table',
  sample: { node: '{node}' },
  moreSamples: [{ facts: { mk_hw_nic_count: '2', mk_hw_mem_size: '16GiB' } }],
  handler: async (input, ctx) =>
    ctx.store.read(async (r) => {
      if (input.node !== undefined && input.facts !== undefined) {
        throw new RazorError('InputError', 'give a node or --facts, not both');
      }
      const facts = input.node
        ? (await mustGet<NodeDoc>(r, 'node', input.node)).attributes
        : (input.facts ?? {});
      const tags = await tagsOf(r, facts);
      const verdicts = await evaluatePolicies(r, tags);
      const order = await policyOrder(r);
      const rows = verdicts.map((v) => ({
        line: order.indexOf(v.policy.uuid),
        policy: v.policy.label,
        uuid: v.policy.uuid,
        binds: v.binds,
        why: v.why,
      }));
      if (!verdicts.some((v) => v.binds))
        rows.push({
          line: -1,
          policy: '(none)',
          uuid: '',
          binds: false,
          why: `no policy binds a node with tags [${tags.join(',')}]`,
        });
      return rows;
    }),
});
