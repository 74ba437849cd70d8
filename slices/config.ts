/** The `config` slice (not served over REST): the effective configuration and the iPXE chain script. */
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { REDACTED } from '../lib/domain/metadata.js';
import { nodeApiPort } from '../lib/config.js';
import { dnsmasqConfig } from '../lib/pxe/dnsmasq-config.js';
import { pxeServerAddress } from '../lib/pxe/server-address.js';
import { redactStoreUrl } from '../lib/store/pg-url.js';

const SECRET_KEYS = new Set(['default_ipmi_password']);

/** A CLI-only verb that prints a text to save or paste (the chain script, a dnsmasq configuration). */
const PRINTED_TEXT = {
  fields: {},
  success: 'ok',
  http: null,
  contentType: 'text/plain',
  view: 'text',
  sample: {},
} as const;

/** The config slice. */
export const configSlice = defineSlice({
  name: 'config',
  summary: 'Show the effective configuration, the iPXE chain script and a dnsmasq equivalent',
  http: false,
  table: columns({
    Key: 'key',
    Value: 'value',
    Source: 'source',
  }),
  verbs: [
    defineVerb({
      name: 'read',
      summary: 'Show every configuration key, its value and where the value came from',
      description:
        'Sources, lowest first: default, derived (computed from other keys), file ($RAZOR_HOME/config.yaml), env (RAZOR_<KEY>), flag.',
      fields: {},
      forms: ['', 'default', 'get'],
      success: 'ok',
      http: null,
      view: 'table',
      sample: {},
      handler: async (_input, ctx) =>
        Object.entries(ctx.config.values)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => ({
            key,
            // The store URL may carry the database password: shown without it.
            value: SECRET_KEYS.has(key)
              ? REDACTED
              : key === 'store' && value
                ? redactStoreUrl(String(value))
                : value,
            source: ctx.config.sources[key as keyof typeof ctx.config.sources],
          })),
    }),
    defineVerb({
      name: 'ipxe',
      summary: 'Print the iPXE chain script to serve over TFTP as razor.ipxe',
      description: 'It runs DHCP on net0..net7 and chains to this server with every MAC as hw_id.',
      ...PRINTED_TEXT,
      handler: async (_input, ctx) => {
        const { image_svc_host: host, mk_checkin_interval: wait } = ctx.config.values;
        const render = await ctx.template('ipxe/razor.ipxe.hbs');
        const port = nodeApiPort(ctx.config.values);
        return render({ api_url: `http://${host}:${port}`, retry_seconds: Math.min(wait, 15) });
      },
    }),
    defineVerb({
      name: 'dnsmasq',
      summary:
        'Print a dnsmasq ProxyDHCP + TFTP configuration equivalent to razor daemon --tftp --proxy-dhcp',
      description:
        'For sites that prefer their own dnsmasq: proxy mode beside the existing DHCP server, iPXE by client architecture, iPXE sent to the boot URL.',
      ...PRINTED_TEXT,
      handler: async (_input, ctx) => {
        const v = ctx.config.values;
        return dnsmasqConfig({
          server: pxeServerAddress(v.dhcp_interface, v.image_svc_host),
          dhcpInterface: v.dhcp_interface,
          tftpRoot: v.tftp_root,
          efiFile: v.pxe_efi_file,
          nodePort: nodeApiPort(v),
        });
      },
    }),
  ],
});
