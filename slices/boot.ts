/**
 * The `boot` slice (hidden, called by iPXE): `GET /razor/api/boot?hw_id=…&dhcp_mac=…` answers an
 * iPXE script — the Microkernel for unknown or unbound nodes, the model's script for bound ones
 * (reference §3.1). Every failure is an iPXE script that says what is wrong, waits and reboots.
 */
import { field } from '../lib/fields.js';
import { defineSlice, defineVerb } from '../lib/spec.js';
import { parseHwId } from '../lib/hwid.js';
import type { VerbContext } from '../lib/context.js';
import type { Doc } from '../lib/store/store.js';

/** Renders the error script: a message, a wait of `mk_checkin_interval`, a reboot. */
export async function errorScript(ctx: VerbContext, message: string): Promise<string> {
  const render = await ctx.template('ipxe/error.ipxe.hbs');
  return render({
    message: message.replace(/[^\w .,:;'()/=+-]/g, ' '),
    retry_seconds: ctx.config.values.mk_checkin_interval,
  });
}

const versionWeight = (v: unknown) =>
  String(v ?? '')
    .replace(/^v/, '')
    .split(/[.+-]/)
    .map((x) => Number.parseInt(x, 10) || 0);

function newestMk(images: Doc[]): Doc | undefined {
  return images
    .filter((i) => i.type === 'mk' && i.status !== 'broken')
    .sort((a, b) => {
      const [x, y] = [versionWeight(a.version), versionWeight(b.version)];
      for (let i = 0; i < Math.max(x.length, y.length); i++)
        if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
      return 0;
    })[0];
}

async function mkScript(ctx: VerbContext): Promise<string> {
  const mk = newestMk(await ctx.store.read((r) => r.all('image')));
  if (!mk) return errorScript(ctx, "no Microkernel image; add one with 'razor image add -t mk -p <iso>'");
  const v = ctx.config.values;
  const render = await ctx.template('ipxe/mk.ipxe.hbs');
  return render({
    mk_version: String(mk.version ?? ''),
    image_url: `http://${v.image_svc_host}:${v.image_svc_port}/razor/image/mk/${mk.uuid}`,
    kernel: mk.kernel,
    initrd: mk.initrd,
    debug_level: v.rz_mk_boot_debug_level,
    server_ip: v.image_svc_host,
    api_port: v.api_port,
    kernel_args: v.rz_mk_boot_kernel_args,
    retry_seconds: v.mk_checkin_interval,
  });
}

/** The boot slice. */
export const bootSlice = defineSlice({
  name: 'boot',
  summary: 'iPXE boot scripts for nodes (called by firmware)',
  hidden: true,
  verbs: [
    defineVerb({
      name: 'default',
      summary: 'The iPXE script a node boots next',
      fields: {
        hw_id: field.string({ help: 'MAC addresses of the node joined by _ (from razor.ipxe)' }),
        mac: field.string({ help: 'A single MAC address (older chain scripts)' }),
        dhcp_mac: field.string({ help: 'The NIC that got DHCP, 01-aa-bb-cc-dd-ee-ff' }),
      },
      forms: [''],
      success: 'ok',
      http: 'GET',
      human: false,
      contentType: 'text/plain',
      view: 'text',
      sample: { hw_id: '52:54:00:12:34:56_52:54:00:12:34:57', dhcp_mac: '01-52-54-00-12-34-56' },
      moreSamples: [{ mac: '52:54:00:12:34:56' }],
      handler: async (input, ctx) => {
        const { macs, bad } = parseHwId(String(input.hw_id ?? input.mac ?? ''));
        if (bad.length)
          return errorScript(ctx, `hw_id has parts that are not MAC addresses: ${bad.join(', ')}`);
        if (macs.length === 0) return errorScript(ctx, 'no hw_id or mac given; chain with razor.ipxe');
        return mkScript(ctx);
      },
    }),
  ],
});
