/**
 * Template render time, in this process: the debian_bookworm boot_install script and preseed
 * rendered with razor's own renderModelTemplate and templateLoader, over the node and active model
 * the daemon actually stored, with the same config the daemon ran with. The boot_install render is
 * also split into its parts (context, kernel_args, template lookup, template call).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../lib/domain/catalog.js';
import { loadConfig } from '../../lib/config.js';
import { templateLoader } from '../../lib/domain/render-template.js';
import { nodeTags } from '../../lib/tags/tag-rules.js';
import { renderContext, renderModelTemplate, typeTemplate } from '../../lib/engine/render-context.js';
import { ROOT, testEnv } from '../../test/helpers/deps.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc, TagRuleDoc } from '../../lib/domain/documents.js';
import type { StoreFile } from '../../lib/store/json-store.js';

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

/** Renders the bound node's templates `n` times each, from the store in `home`, with the daemon's `env`. */
export async function benchRender(
  home: string,
  n: number,
  env: Record<string, string> = {},
): Promise<RenderResult> {
  const store = JSON.parse(readFileSync(join(home, 'razor.json'), 'utf8')) as StoreFile;
  const all = <T>(c: keyof StoreFile['collections']) => Object.values(store.collections[c] ?? {}) as T[];
  const am = all<ActiveModelDoc>('active_model')[0];
  if (!am) throw new Error('the store has no active model');
  const node = store.collections.node?.[am.node_uuid] as NodeDoc;
  const image = store.collections.image?.[am.model.image_uuid] as ImageDoc | undefined;
  const config = loadConfig({ env: testEnv(home, env) });
  const catalog = await loadCatalog(join(ROOT, 'templates'));
  const type = catalog.modelTypes.get(am.model.type);
  if (!type) throw new Error(`no model type ${am.model.type}`);
  const loader = templateLoader(join(ROOT, 'templates'));
  const tags = nodeTags(all<TagRuleDoc>('tag'), node.attributes);
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
