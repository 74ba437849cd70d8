/** The `bmc` slice: baseboard management controllers and power control through ipmitool (reference §1.11). */
import { execFile } from 'node:child_process';
import { RazorError } from '../lib/errors.js';
import { field } from '../lib/verbs/fields.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { created, crudVerbs, mustGet } from '../lib/verbs/crud/index.js';
import type { Doc } from '../lib/store/store.js';
import type { Config } from '../lib/config.js';

/** A BMC as stored. */
export interface BmcDoc extends Doc {
  mac: string;
  ip: string;
  power_state: string;
  updated_at: string;
}

const MAC = /^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

const ACTIONS = {
  on: { cmd: 'on', done: 'now powering on' },
  off: { cmd: 'off', done: 'now powering off' },
  cycle: { cmd: 'cycle', done: 'now power cycling' },
  reset: { cmd: 'reset', done: 'now resetting' },
} as const;

function ipmitool(config: Config, env: NodeJS.ProcessEnv, ip: string, args: string[]): Promise<string> {
  const { default_ipmi_username: user, default_ipmi_password: pass } = config.values;
  return new Promise((resolve, reject) => {
    execFile(
      'ipmitool',
      ['-I', 'lanplus', '-H', ip, '-U', user, '-E', ...args],
      { timeout: 10_000, env: { ...env, IPMI_PASSWORD: pass } },
      (err, stdout, stderr) => {
        if (err) {
          const why =
            (err as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'ipmitool is not installed'
              : stderr.trim() || err.message;
          reject(new RazorError('CommandFailed', `ipmitool ${args.join(' ')} on ${ip} failed: ${why}`));
        } else resolve(stdout);
      },
    );
  });
}

/** The bmc slice. */
export const bmcSlice = defineSlice({
  name: 'bmc',
  summary: 'BMCs: out-of-band power control of nodes (IPMI)',
  collection: 'bmc',
  filterable: ['uuid', 'mac', 'ip', 'power_state'],
  table: columns({
    'MAC-Addr': 'mac',
    'IP-Addr': 'ip',
    Power: 'power_state',
    UUID: 'uuid',
  }),
  item: columns({
    UUID: 'uuid',
    'MAC-Addr': 'mac',
    'IP-Addr': 'ip',
    Power: 'power_state',
    Updated: 'updated_at',
  }),
  verbs: [
    ...crudVerbs({
      slice: 'bmc',
      collection: 'bmc',
      noun: 'BMC',
      commands: { get: 'get_bmc_by_uuid', remove: 'remove_bmc_by_uuid', 'remove-all': 'remove_all_bmcs' },
    }),
    defineVerb({
      name: 'register',
      summary: 'Register a BMC by its MAC and IP address (updates the IP if the MAC is known)',
      fields: {
        ip_address: field.string({
          help: 'IPv4 address of the BMC',
          short: 'i',
          required: true,
          pattern: IPV4,
          patternHelp: 'must be an IPv4 address',
        }),
        mac_address: field.string({
          help: 'MAC address of the BMC',
          short: 'm',
          required: true,
          pattern: MAC,
          patternHelp: 'must be a MAC address like 00:11:22:33:44:55',
        }),
      },
      success: 'created',
      http: 'POST',
      path: 'register',
      view: 'item',
      sample: { ip_address: '192.168.1.50', mac_address: '00:25:90:aa:bb:cc' },
      handler: async (input, ctx) =>
        ctx.store.write(async (w) => {
          const mac = input.mac_address.replace(/[:-]/g, '').toUpperCase();
          const existing = (await w.all<BmcDoc>('bmc')).find((b) => b.mac === mac);
          const base = existing ?? { ...created(ctx), mac, power_state: 'unknown' };
          const doc: BmcDoc = {
            ...base,
            ip: input.ip_address,
            updated_at: ctx.clock().toISOString(),
          };
          await w.put('bmc', doc);
          return doc;
        }),
    }),
    defineVerb({
      name: 'update',
      command: 'update_bmc_power_state',
      summary: 'Change the power state of a node through its BMC',
      fields: {
        uuid: field.uuid('bmc', { help: 'UUID of the BMC', required: true }),
        power_state: field.enum(['on', 'off', 'cycle', 'reset'], {
          help: 'on, off, cycle or reset',
          short: 'p',
          required: true,
        }),
      },
      positional: ['uuid'],
      forms: [':uuid update'],
      success: 'updated',
      http: 'PUT',
      path: ':uuid',
      view: 'text',
      sample: { uuid: '{bmc}', power_state: 'cycle' },
      handler: async (input, ctx) => {
        const bmc = await ctx.store.read((r) => mustGet<BmcDoc>(r, 'bmc', input.uuid));
        const action = ACTIONS[input.power_state];
        await ipmitool(ctx.config, ctx.env, bmc.ip, ['chassis', 'power', action.cmd]);
        await ctx.store.write(async (w) => {
          const doc = await mustGet<BmcDoc>(w, 'bmc', bmc.uuid);
          doc.power_state = action.cmd === 'off' ? 'off' : 'on';
          doc.updated_at = ctx.clock().toISOString();
          await w.put('bmc', doc);
        });
        return `node '${bmc.uuid}' ${action.done}`;
      },
    }),
  ],
});
