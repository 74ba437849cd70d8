/**
 * Installer callbacks: `GET /razor/api/policy/callback/<active_model>/<namespace>/<action>[/<arg>]`.
 * The model type's data says what each callback fires and returns, and who may call it (pin.ts);
 * the event, any stored value and the rendered reply come from one transaction, so a failed render
 * or a refusal records nothing.
 */
import { RazorError } from '../errors.js';
import { fire } from './fsm.js';
import { renderModelTemplate, renderContext } from './render-context.js';
import { tagsOf } from './nodes.js';
import { checkCallbackAccess, countServed, parseCallbackId } from './pin.js';
import type { VerbContext } from '../verbs/context.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc } from '../domain/documents.js';
import type { CallbackSpec, ModelType } from '../domain/model-type.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The callback declared for `namespace/action` and the action key it is declared under. */
function findSpec(
  type: ModelType,
  namespace: string,
  action: string,
): { spec: CallbackSpec; declared: string } {
  const ns = type.callbacks[namespace];
  if (!ns) {
    const known = Object.keys(type.callbacks).join(', ');
    throw new RazorError(
      'NoCallbackFound',
      `model type ${type.name} has no callback namespace '${namespace}' (it has: ${known})`,
    );
  }
  const declared = ns[action] ? action : '*';
  const spec = ns[declared];
  if (!spec) {
    const known = Object.keys(ns)
      .map((a) => (a === '_' ? '(none)' : a))
      .join(', ');
    throw new RazorError(
      'NoCallbackFound',
      `callback ${namespace} has no action '${action}' (it has: ${known})`,
    );
  }
  return { spec, declared };
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

/** Runs one callback and returns its text reply. */
export async function callback(
  ctx: VerbContext,
  req: { activeModel: string; namespace: string; args: readonly string[] },
): Promise<string> {
  const action = req.args[0] ?? '_';
  const arg = req.args[1];
  return ctx.store.write(async (w) => {
    const id = parseCallbackId(req.activeModel);
    const am = id && (await w.get<ActiveModelDoc>('active_model', id.uuid));
    if (!id || !am)
      throw new RazorError('NotFound', `Not found: no active model ${id?.uuid ?? req.activeModel}`);
    const type = ctx.catalog.modelTypes.get(am.model.type);
    if (!type)
      throw new RazorError(
        'ActiveModelInvalid',
        `active model ${am.uuid} uses unknown model type '${am.model.type}'`,
      );
    const { spec, declared } = findSpec(type, req.namespace, action);
    const name = `${req.namespace}/${declared}`;
    // Calls not made over HTTP (`razor -w` at a shell) are the admin's: not checked, not counted.
    const remote = ctx.remote;
    if (remote !== undefined)
      checkCallbackAccess({ config: ctx.config, type, am, spec, name, key: id.key, remote });
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
        // Only files served to the installing node carry the install key.
        installKey: spec.secret ? am.pin?.key : undefined,
      };
      reply =
        spec.template === 'broker'
          ? await brokerScript(ctx, renderContext(inputs), am)
          : await renderModelTemplate(ctx.template, inputs, spec.template);
    }
    const counted = spec.secret === true && remote !== undefined;
    if (counted) countServed(am, name);
    if (spec.store || spec.event || counted) await w.put('active_model', am);
    return reply;
  });
}
