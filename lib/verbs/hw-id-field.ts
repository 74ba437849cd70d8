/**
 * The `hw_id` a Microkernel sends, in every shape the original accepted (reference §3.4): MACs
 * joined by `_`, or a JSON array of them (joined here), and under the alias `uuid` (`@uuid` in a
 * registration's json_hash).
 */
import { z } from 'zod';
import type { Field } from './fields.js';

const schema = z
  .union([z.string(), z.array(z.string()).min(1, 'must name at least one MAC address')])
  .transform((v) => (Array.isArray(v) ? v.join('_') : v).trim())
  .refine((v) => v.length > 0 && v.length <= 4096, 'must be MAC addresses joined by _');

/** The required `hw_id` field of node checkin and register. */
export function hwIdField(): Field<string, 'always'> {
  return {
    kind: 'string',
    help: 'MAC addresses of the node joined by _ (or a JSON array of them; alias uuid)',
    required: true,
    aliases: ['uuid'],
    schema,
  };
}
