/**
 * `GET /razor/api/boot`: the iPXE script a node boots next (reference §3.1). Unknown and unbound
 * nodes get the Microkernel; bound nodes their model's script for the current state. A node that
 * cannot be served now gets a script that says why, waits and reboots; the boot slice's errors
 * become that script in the HTTP translator — never JSON, never a 500.
 */
import { basename } from 'node:path';
import { parseHwId } from '../domain/hwid.js';
import { RazorError } from '../errors.js';
import { bootAnswer } from './fsm.js';
import { bootFacts, pinInstall, recordBoot, recordForeignBoot } from './boot-record.js';
import { pinsAddress } from './pin.js';
import { nodeByMacs } from './nodes.js';
import { renderModelTemplate } from './render-context.js';
import { serverUrls } from './render-context.js';
import type { VerbContext } from '../verbs/context.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc } from '../domain/documents.js';

/** The request: hw_id (MACs joined by `_`) or a single mac, and the NIC that got DHCP. */
export interface BootRequest {
  hwId?: string;
  mac?: string;
  dhcpMac?: string;
}

const DHCP_MAC = /^01-([0-9a-f]{2}-){5}[0-9a-f]{2}$/i;

/** Renders the error script: a message, a wait of `mk_checkin_interval`, a reboot. */
export async function errorScript(ctx: VerbContext, message: string): Promise<string> {
  const safe = message.replace(/[^\w .,:;'()/=+-]/g, ' ').slice(0, 300);
  const wait = ctx.config.values.mk_checkin_interval;
  try {
    return (await ctx.template('ipxe/error.ipxe.hbs'))({ message: safe, retry_seconds: wait });
  } catch {
    return `#!ipxe\necho razor: ${safe}\nsleep ${wait}\nreboot\n`;
  }
}

const versionParts = (v: unknown) =>
  String(v ?? '')
    .replace(/^v/, '')
    .split(/[.+-]/)
    .map((x) => Number.parseInt(x, 10) || 0);

/** The newest Microkernel image that verified (status `valid`). */
export function newestMk(images: readonly ImageDoc[]): ImageDoc | undefined {
  const cmp = (a: ImageDoc, b: ImageDoc) => {
    const [x, y] = [versionParts(a.version), versionParts(b.version)];
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  };
  const usable = (i: ImageDoc) =>
    i.type === 'mk' && (i.status === 'valid' || i.status === 'remote') && i.kernel && i.initrd;
  return images.filter(usable).sort(cmp)[0];
}

/** The Microkernel boot script, or the error script when there is no usable MK image. */
export async function mkScript(ctx: VerbContext): Promise<string> {
  const mk = newestMk(await ctx.store.read((r) => r.all<ImageDoc>('image')));
  if (!mk) return errorScript(ctx, "no Microkernel image; add one with 'razor image add -t mk -p <iso>'");
  const v = ctx.config.values;
  const { image_root_url } = serverUrls(ctx.config);
  return (await ctx.template('ipxe/mk.ipxe.hbs'))({
    mk_version: mk.version,
    image_url: mk.url ?? `${image_root_url}/mk/${mk.uuid}`,
    kernel: mk.kernel,
    initrd: mk.initrd,
    initrd_name: basename(mk.initrd ?? ''),
    debug_level: v.rz_mk_boot_debug_level,
    server_ip: v.image_svc_host,
    api_port: serverUrls(ctx.config).api_port,
    kernel_args: v.rz_mk_boot_kernel_args,
    retry_seconds: v.mk_checkin_interval,
  });
}

/** What a boot from another address than the pinned one gets instead of the installer (no UUID in it). */
const PINNED_ELSEWHERE =
  "this node's install is pinned to the address of its first boot, not this one; an admin moves it " +
  'with razor active_model <uuid> rebind-address (config secrets_to_boot_address)';

async function bootBound(
  ctx: VerbContext,
  found: NodeDoc,
  dhcp: string | undefined,
  am: ActiveModelDoc,
  image: ImageDoc | undefined,
): Promise<string> {
  const type = ctx.catalog.modelTypes.get(am.model.type);
  if (!type)
    return errorScript(
      ctx,
      `active model ${am.uuid} uses model type '${am.model.type}' which razor no longer has`,
    );
  const remote = ctx.remote;
  const pin = remote === undefined ? am.pin : await pinInstall(ctx, { node: found, am, dhcp, remote });
  const answer = bootAnswer(type, am.state);
  // A boot from elsewhere records nothing about the node and never moves the pin (ADR 0016).
  if (pin && remote !== undefined && pinsAddress(ctx.config) && pin.address !== remote) {
    const refused = answer === 'install';
    await recordForeignBoot(ctx, {
      node: found,
      am,
      served: refused ? 'refused the installer' : `served ${answer}`,
    });
    if (refused) return errorScript(ctx, PINNED_ELSEWHERE);
    return answer === 'mk'
      ? mkScript(ctx)
      : renderModelTemplate(ctx.template, { config: ctx.config, type, node: found, am, image }, 'boot_local');
  }
  if (answer === 'install' && !image)
    return errorScript(ctx, `image ${am.model.image_uuid} of model '${am.model.label}' is gone`);
  const node = { ...found, ...bootFacts(found, dhcp, remote) };
  // An image-based install's installer is the Microkernel (ADR 0029): its boot script names it.
  const mk =
    answer === 'install' ? newestMk(await ctx.store.read((r) => r.all<ImageDoc>('image'))) : undefined;
  const script =
    answer === 'mk'
      ? await mkScript(ctx)
      : await renderModelTemplate(
          ctx.template,
          { config: ctx.config, type, node, am, image, mk },
          `boot_${answer}`,
        );
  // Repeated boots in one state are not news: only a change of what is served is logged.
  await recordBoot(ctx, {
    node: found,
    am,
    dhcp,
    mark: `${am.state}:${answer}`,
    result: `served boot_${answer}`,
  });
  return script;
}

/** How many distinct boot answers are remembered per store snapshot. */
const MAX_REMEMBERED_BOOTS = 50_000;

/** The answer for a known or unknown node; records what a boot may record (boot-record.ts). */
async function bootFor(
  ctx: VerbContext,
  found: NodeDoc | undefined,
  dhcp: string | undefined,
  am: ActiveModelDoc | undefined,
  image: ImageDoc | undefined,
): Promise<string> {
  if (!found) return mkScript(ctx);
  if (am) return bootBound(ctx, found, dhcp, am, image);
  const script = await mkScript(ctx);
  await recordBoot(ctx, { node: found, dhcp });
  return script;
}

/**
 * The boot script for a request. Throws RazorError for what the node sent wrong and passes store
 * failures on: the HTTP translator answers every error of the boot route as the error script
 * (status 200), the one place errors become iPXE (ADR 0021).
 */
export async function bootScript(ctx: VerbContext, req: BootRequest): Promise<string> {
  const { macs, bad } = parseHwId(req.hwId ?? req.mac ?? '');
  if (bad.length)
    throw new RazorError('InputError', `hw_id has parts that are not MAC addresses: ${bad.join(', ')}`);
  if (macs.length === 0)
    throw new RazorError('InputError', 'no hw_id or mac given; chain with the script from razor config ipxe');
  if (req.dhcpMac !== undefined && !DHCP_MAC.test(req.dhcpMac))
    throw new RazorError('InputError', `dhcp_mac '${req.dhcpMac}' is not of the form 01-aa-bb-cc-dd-ee-ff`);
  const dhcp = req.dhcpMac?.toLowerCase();
  // One read for everything a boot needs: the node, its active model and that model's image —
  // or, when the store has not changed since this node last booted from the same NIC and
  // address, the answer it got then.
  const key = `${macs.join('_')} ${dhcp ?? ''} ${ctx.remote ?? ''}`;
  const found = await ctx.store.read(async (r) => {
    const answers = r.memo<string>('boot');
    const answered = answers.get(key);
    if (answered !== undefined) return { answered };
    const node = await nodeByMacs(r, macs);
    const am = node && (await r.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0];
    const image = am ? await r.get<ImageDoc>('image', am.model.image_uuid) : undefined;
    return { node, am, image, answers };
  });
  if (found.answered !== undefined) return found.answered;
  const script = await bootFor(ctx, found.node, dhcp, found.am, found.image);
  // Kept with the data it came from: a write (ours included) starts a new, empty memo. Random
  // hw_ids cannot grow it without bound.
  if (found.answers.size < MAX_REMEMBERED_BOOTS) found.answers.set(key, script);
  return script;
}
