/**
 * The node verbs Microkernels call (reference §3.4): checkin and register, in the original's wire
 * shapes (hw_id as `A_B`, as an array, or as `uuid`), answered with `client_config`.
 */
import { field } from '../lib/verbs/fields.js';
import { hwIdField } from '../lib/verbs/hw-id-field.js';
import { defineVerb, type VerbSpec } from '../lib/verbs/spec.js';
import { checkin, register } from '../lib/engine/checkin.js';
import { Reply } from '../lib/verbs/envelope.js';
import { clientConfig } from '../lib/config.js';
import type { Presenter } from '../lib/verbs/crud/index.js';

/** Checkin and register; `present` shows the registered node as the node slice does. */
export function microkernelVerbs(present: Presenter): VerbSpec[] {
  return [
    defineVerb({
      name: 'checkin',
      summary: 'A Microkernel checks in; the answer is acknowledge, register, reboot or poweroff',
      fields: {
        hw_id: hwIdField(),
        last_state: field.string({ help: "The Microkernel's state, e.g. idle", required: true }),
        first_checkin: field.bool({
          help: 'True on the first checkin after the Microkernel started',
          default: false,
        }),
      },
      forms: ['c', 'C'],
      success: 'ok',
      http: 'GET',
      path: 'checkin',
      human: false,
      nodeFacing: true,
      rateLimitKey: 'hw_id',
      sample: { hw_id: '525400123456', last_state: 'idle', first_checkin: 'false' },
      handler: async (input, ctx) => {
        const command = await checkin(ctx, {
          hwId: input.hw_id,
          lastState: input.last_state,
          firstCheckin: input.first_checkin,
        });
        return new Reply(
          { command_name: command, command_param: {} },
          { client_config: clientConfig(ctx.config) },
        );
      },
    }),
    defineVerb({
      name: 'register',
      summary: 'A Microkernel registers the facts of its node',
      fields: {
        hw_id: hwIdField(),
        attributes_hash: field.json({ help: 'The facts: name → value', required: true }),
        last_state: field.string({ help: "The Microkernel's state, e.g. idle", required: true }),
      },
      forms: ['r', 'R'],
      success: 'ok',
      http: 'POST',
      path: 'register',
      human: false,
      nodeFacing: true,
      rateLimitKey: 'hw_id',
      sample: {
        hw_id: '525400123456_525400123457',
        attributes_hash: { mk_hw_cpu_count: '2', mk_hw_mem_size: '2GiB', mk_hw_nic_count: '2' },
        last_state: 'idle',
      },
      handler: async (input, ctx) => {
        const node = await register(ctx, {
          hwId: input.hw_id,
          attributes: input.attributes_hash,
          lastState: input.last_state,
        });
        const shown = await ctx.store.read((r) => present(node, ctx, r));
        return new Reply(shown, { client_config: clientConfig(ctx.config) });
      },
    }),
  ];
}
