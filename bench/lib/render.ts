/**
 * Template render time, in this process: the debian_bookworm boot_install script and preseed
 * rendered with razor's own renderModelTemplate and templateLoader, over the node and active model
 * the daemon actually stored, with the same config the daemon ran with. The boot_install render is
 * also split into its parts (context, kernel_args, template lookup, template call).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { loadConfig } from '../../lib/config.js';
import { templateLoader } from '../../lib/domain/render-template.js';
import { nodeTags } from '../../lib/tags/tag-rules.js';
import { renderContext, renderModelTemplate, typeTemplate } from '../../lib/engine/render-context.js';
import { ROOT, testEnv } from '../../test/helpers/deps.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc, TagRuleDoc } from '../../lib/domain/documents.js';
import { openJsonStore } from '../../lib/store/json-store.js';

let sink: unknown;

/** Milliseconds per call of `fn` (awaited when it returns a promise), over `n` calls after `n / 10` warm-ups. */
async function msPer(n: number, fn: () => unknown): Promise<number> {
  const isAsync = fn() instanceof Promise;
  const loop = async (count: number) => {
    if (isAsync) for (let i = 0; i < count; i++) await fn();
    else for (let i = 0; i < count; i++) sink = fn(); // kept, so the call cannot be optimised away
  };
  await loop(Math.ceil(n / 10));
  const t0 = performance.now();
  await loop(n);
  const ms = (performance.now() - t0) / n;
  if (sink === msPer) throw new Error('unreachable');
  return ms;
}

/** What the render benchmark found. */
export interface RenderResult {
  renders: number;
  boot_install_ms: number;
  preseed_ms: number;
  /** boot_install split into its steps, ms per call. */
  boot_install_parts_ms: { context: number; kernel_args: number; lookup: number; template: number };
  /** The boot_install text rendered here (compared with what the daemon served). */
  boot_install_text: string;
  preseed_bytes: number;
}

/** The node owning `mac` (as the store keeps MACs), its active model and image, and the tag rules. */
async function boundNode(home: string, mac: string) {
  const store = await openJsonStore(join(home, 'razor.json'));
  try {
    return await store.read(async (r) => {
      const node = (await r.findBy<NodeDoc>('node', 'hw_id', mac))[0];
      const am = node && (await r.findBy<ActiveModelDoc>('active_model', 'node_uuid', node.uuid))[0];
      if (!node || !am) throw new Error(`no node with MAC ${mac} bound in the store`);
      const image = await r.get<ImageDoc>('image', am.model.image_uuid);
      return { node, am, image, rules: await r.all<TagRuleDoc>('tag') };
    });
  } finally {
    await store.close();
  }
}

/**
 * Renders the templates of the bound node with `mac` `n` times each, from the store in `home` (read
 * as the CLI reads it: snapshot and journal), with the daemon's `env`.
 */
export async function benchRender(
  home: string,
  mac: string,
  n: number,
  env: Record<string, string> = {},
): Promise<RenderResult> {
  const { node, am, image, rules } = await boundNode(home, mac);
  const config = loadConfig({ env: testEnv(home, env) });
  const catalog = await loadCatalog(join(ROOT, 'templates'));
  const type = catalog.modelTypes.get(am.model.type);
  if (!type) throw new Error(`no model type ${am.model.type}`);
  const loader = templateLoader(join(ROOT, 'templates'));
  const tags = nodeTags(rules, node.attributes);
  const boot = { config, type, node, am, image };
  const callback = { ...boot, tags, brokerSpecs: undefined };

  const bootFile = type.templates.boot_install ?? 'boot_install';
  const context = renderContext(boot);
  const kernelArgs = loader.inline(type.kernel_args ?? '', `${type.name} kernel_args`);
  const compiled = await typeTemplate(loader, type, bootFile);
  const withArgs = { ...context, kernel_args: kernelArgs(context).replace(/\s+/g, ' ').trim() };
  const text = await renderModelTemplate(loader, boot, 'boot_install');
  const preseed = await renderModelTemplate(loader, callback, 'preseed.cfg.hbs');
  return {
    renders: n,
    boot_install_ms: await msPer(n, () => renderModelTemplate(loader, boot, 'boot_install')),
    preseed_ms: await msPer(n, () => renderModelTemplate(loader, callback, 'preseed.cfg.hbs')),
    boot_install_parts_ms: {
      context: await msPer(n, () => renderContext(boot)),
      kernel_args: await msPer(n, () => kernelArgs(context).replace(/\s+/g, ' ').trim()),
      lookup: await msPer(n, () => typeTemplate(loader, type, bootFile)),
      template: await msPer(n, () => compiled(withArgs)),
    },
    boot_install_text: text,
    preseed_bytes: Buffer.byteLength(preseed),
  };
}
