/**
 * The `boot` slice (hidden, called by iPXE): `GET /razor/api/boot?hw_id=…&dhcp_mac=…` answers an
 * iPXE script (lib/engine/boot.ts). Every failure, bad input included, is an iPXE script that says
 * what is wrong, waits and reboots.
 */
import { field } from '../lib/verbs/fields.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { bootScript, errorScript } from '../lib/engine/boot.js';

/** The boot slice. */
export const bootSlice = defineSlice({
  name: 'boot',
  summary: 'iPXE boot scripts for nodes (called by firmware)',
  hidden: true,
  verbs: [
    defineVerb({
      name: 'default',
      command: 'boot_call',
      summary: 'The iPXE script a node boots next',
      fields: {
        hw_id: field.string({ help: 'MAC addresses of the node joined by _ (from razor.ipxe)' }),
        mac: field.string({ help: 'A single MAC address (older chain scripts)' }),
        dhcp_mac: field.string({ help: 'The NIC that got DHCP, 01-aa-bb-cc-dd-ee-ff' }),
      },
      forms: [''],
      success: 'ok',
      http: 'GET',
      path: '',
      human: false,
      nodeFacing: true,
      contentType: 'text/plain',
      view: 'text',
      sample: { hw_id: '52:54:00:12:34:56_52:54:00:12:34:57', dhcp_mac: '01-52-54-00-12-34-56' },
      moreSamples: [{ mac: '52:54:00:12:34:56' }],
      handler: async (input, ctx) =>
        bootScript(ctx, {
          hwId: input.hw_id,
          mac: input.mac,
          dhcpMac: input.dhcp_mac,
        }),
      errorText: (message, ctx) => errorScript(ctx, message),
    }),
  ],
});
