/**
 * Installer callbacks: `GET /razor/api/policy/callback/<active_model>/<namespace>/<action>[/<arg>]`.
 * The model type's data says what each callback fires and returns; the event, any stored value
 * and the rendered reply come from one transaction, so a failed render records nothing.
 */
import { RazorError } from '../errors.js';
import { fire } from './fsm.js';
import { renderModelTemplate, renderContext } from './render-context.js';
import { tagsOf } from './nodes.js';
import type { VerbContext } from '../context.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc } from '../docs.js';
import type { CallbackSpec, ModelType } from '../model-type.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function findSpec(type: ModelType, namespace: string, action: string): CallbackSpec {
  const ns = type.callbacks[namespace];
  if (!ns) {
    const known = Object.keys(type.callbacks).join(', ');
    throw new RazorError(
      'NoCallbackFound',
      `model type ${type.name} has no callback namespace '${namespace}' (it has: ${known})`,
    );
  }
  const spec = ns[action] ?? ns['*'];
  if (!spec) {
    const known = Object.keys(ns)
      .map((a) => (a === '_' ? '(none)' : a))
      .join(', ');
    throw new RazorError(
      'NoCallbackFound',
      `callback ${namespace} has no action '${action}' (it has: ${known})`,
    );
  }
  return spec;
}

/** The broker plugin's hand-off script for this active model ('' without a broker). */
async function brokerScript(
  ctx: VerbContext,
  context: Record<string, unknown>,
  am: ActiveModelDoc,
): Promise<string> {
  if (!am.broker) return '';
  const plugin = ctx.catalog.brokerPlugins.get(am.broker.plugin);
  if (!plugin) throw new RazorError('InvalidPlugin', `broker plugin '${am.broker.plugin}' is not installed`);
  const t = await ctx.template.tryLoad(`${plugin.dir}/script.sh.hbs`);
  if (!t) throw new RazorError('InvalidTemplate', `broker plugin ${plugin.name} has no script.sh.hbs`);
  return t(context);
}

/**
 * With `secrets_to_boot_address` on, rendered files (password hashes, broker keys) go only to the
 * address the node booted from; calls not made over HTTP (`razor -w` at a shell) are the admin's.
 */
function checkBootAddress(ctx: VerbContext, node: NodeDoc, am: ActiveModelDoc): void {
  if (ctx.config.values.secrets_to_boot_address !== 'true' || ctx.remote === undefined) return;
  if (node.boot_ip === ctx.remote) return;
  throw new RazorError(
    'Forbidden',
    `active model ${am.uuid} serves its files only to the address node ${node.uuid} booted from ` +
      `(${node.boot_ip ?? 'none recorded yet'}), not to ${ctx.remote} (config secrets_to_boot_address)`,
  );
}

/** Runs one callback and returns its text reply. */
export async function callback(
  ctx: VerbContext,
  req: { activeModel: string; namespace: string; args: readonly string[] },
): Promise<string> {
  const action = req.args[0] ?? '_';
  const arg = req.args[1];
  return ctx.store.write(async (w) => {
    const am = await w.get<ActiveModelDoc>('active_model', req.activeModel);
    if (!am) throw new RazorError('NotFound', `Not found: no active model ${req.activeModel}`);
    const type = ctx.catalog.modelTypes.get(am.model.type);
    if (!type)
      throw new RazorError(
        'ActiveModelInvalid',
        `active model ${am.uuid} uses unknown model type '${am.model.type}'`,
      );
    const spec = findSpec(type, req.namespace, action);
    const now = ctx.clock();
    if (spec.store) {
      if (arg === undefined || !IPV4.test(arg)) {
        throw new RazorError(
          'InputError',
          `callback ${req.namespace}/${action} needs an IPv4 address argument, not '${arg ?? ''}'`,
        );
      }
      (am as unknown as Record<string, unknown>)[spec.store] = arg;
      am.updated_at = now.toISOString();
    }
    if (spec.event) {
      const event = spec.event === '$action' ? action : spec.event;
      fire(am, type, event, `${req.namespace}/${req.args.join('/')}`, now);
    }
    let reply = spec.reply ?? 'ok';
    if (spec.template) {
      const node = await w.get<NodeDoc>('node', am.node_uuid);
      if (!node)
        throw new RazorError(
          'ActiveModelInvalid',
          `active model ${am.uuid} names node ${am.node_uuid}, which is gone`,
        );
      checkBootAddress(ctx, node, am);
      const image = await w.get<ImageDoc>('image', am.model.image_uuid);
      const brokerSpecs = am.broker ? ctx.catalog.brokerPlugins.get(am.broker.plugin)?.metadata : undefined;
      const inputs = {
        config: ctx.config,
        type,
        node,
        am,
        image,
        tags: await tagsOf(w, node.attributes),
        brokerSpecs,
      };
      reply =
        spec.template === 'broker'
          ? await brokerScript(ctx, renderContext(inputs), am)
          : await renderModelTemplate(ctx.template, inputs, spec.template);
    }
    if (spec.store || spec.event) await w.put('active_model', am);
    return reply;
  });
}
