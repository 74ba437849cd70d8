/**
 * The context every model template is rendered with, and rendering a model type's templates
 * (looked up in the type's folder, then its bases'). Documented for template authors in
 * templates/models/README.md.
 */
import { basename, join } from 'node:path';
import { RazorError } from '../errors.js';
import { nodeApiPort, type Config } from '../config.js';
import type { ModelType } from '../domain/model-type.js';
import type { MetadataSpec } from '../domain/catalog.js';
import type { TemplateLoader } from '../domain/render-template.js';
import type { ActiveModelDoc, ImageDoc, NodeDoc } from '../domain/documents.js';

/** What a render needs. */
export interface RenderInputs {
  config: Config;
  type: ModelType;
  node: NodeDoc;
  am: ActiveModelDoc;
  image: ImageDoc | undefined;
  /** The node's tags at render time (for broker facts). */
  tags?: readonly string[];
  /** The broker plugin's metadata specs, so optional keys left out render as ''. */
  brokerSpecs?: Readonly<Record<string, MetadataSpec>>;
  /** The install key, for files only the installing node gets: their callback URL carries it. */
  installKey?: string;
  /** The Microkernel image, for types whose installer is the Microkernel (image-based installs). */
  mk?: ImageDoc;
}

/** `values` with every key of `specs` defined ('' when left out), so strict templates can name them. */
const withDeclared = (
  specs: Readonly<Record<string, unknown>> | undefined,
  values: Readonly<Record<string, string>>,
) => ({
  ...Object.fromEntries(Object.keys(specs ?? {}).map((k) => [k, ''])),
  ...values,
});

/** Base URLs of this server as nodes reach it (plain HTTP), and the port of its node-facing API. */
export function serverUrls(config: Config) {
  const v = config.values;
  return {
    api_port: nodeApiPort(v),
    api_url: `http://${v.image_svc_host}:${nodeApiPort(v)}`,
    image_root_url: `http://${v.image_svc_host}:${v.image_svc_port}/razor/image`,
  };
}

/** A MAC `525400123456` as `52:54:00:12:34:56`. */
export const colonMac = (mac: string) => mac.toLowerCase().replace(/(..)(?!$)/g, '$1:');

/** The template context (without kernel_args, which is itself rendered from it). */
export function renderContext(i: RenderInputs): Record<string, unknown> {
  const { api_url, api_port, image_root_url } = serverUrls(i.config);
  const { am, node, type } = i;
  const metadata = am.model.metadata;
  return {
    api_url,
    api_host: i.config.values.image_svc_host,
    api_port,
    // `<uuid>.<install key>` in files served to the installing node only (ADR 0016).
    callback_url: `${api_url}/razor/api/policy/callback/${am.uuid}${i.installKey ? `.${i.installKey}` : ''}`,
    // A remote mirror (image add --url) is served by itself; local images by razor's image service.
    image_url: i.image?.url ?? `${image_root_url}/${type.image_prefix}/${am.model.image_uuid}`,
    image: {
      uuid: am.model.image_uuid,
      name: i.image?.name ?? '',
      version: i.image?.version ?? '',
      boot_cfg: i.image?.boot_cfg ?? '',
      // An archive image (rootfs): the file the Microkernel writes, and how to check it.
      file: i.image?.file ?? '',
      sha256: i.image?.sha256 ?? '',
      size: i.image?.size ?? 0,
      unpacked_size: i.image?.unpacked_size ?? 0,
      kernel_version: i.image?.kernel_version ?? '',
    },
    mk: i.mk
      ? {
          version: i.mk.version,
          image_url: i.mk.url ?? `${image_root_url}/mk/${i.mk.uuid}`,
          kernel: i.mk.kernel ?? '',
          initrd: i.mk.initrd ?? '',
          initrd_name: basename(i.mk.initrd ?? ''),
        }
      : false,
    // What the image import found wins over the type's default layout.
    kernel: i.image?.kernel ?? type.kernel ?? '',
    initrd: i.image?.initrd ?? type.initrd ?? '',
    initrd_name: basename(i.image?.initrd ?? type.initrd ?? ''),
    retry_seconds: i.config.values.mk_checkin_interval,
    node: {
      uuid: node.uuid,
      hw_id: node.hw_id,
      mac: colonMac(node.hw_id[0] ?? ''),
      dhcp_mac: node.dhcp_mac ?? '',
    },
    active_model: {
      uuid: am.uuid,
      label: am.label,
      state: am.state,
      counter: am.counter,
      hostname: am.hostname,
      short_hostname: am.short_hostname,
      domainname: am.domainname,
      ip: am.ip ?? false,
      node_ip: am.node_ip ?? '',
    },
    model: {
      uuid: am.model.uuid,
      label: am.model.label,
      type: am.model.type,
      description: am.model.description,
    },
    // Every key the type declares is defined (an optional one left out is ''); others stay errors.
    metadata: withDeclared(type.metadata, metadata),
    broker: am.broker
      ? {
          name: am.broker.name,
          plugin: am.broker.plugin,
          metadata: withDeclared(i.brokerSpecs, am.broker.metadata),
        }
      : false,
    node_metadata: {
      razor_node_uuid: node.uuid,
      razor_active_model_uuid: am.uuid,
      razor_policy_uuid: am.policy_uuid,
      razor_model_uuid: am.model.uuid,
      razor_model_label: am.model.label,
      razor_model_type: am.model.type,
      razor_hostname: am.hostname,
      razor_bind_number: String(am.counter),
      razor_tags: (i.tags ?? []).join(','),
    },
  };
}

/** Finds `file` in the type's folders (own first, then bases). */
export async function typeTemplate(loader: TemplateLoader, type: ModelType, file: string) {
  for (const dir of type.dirs) {
    const t = await loader.tryLoad(join(dir, file));
    if (t) return t;
  }
  throw new RazorError('InvalidTemplate', `model type ${type.name} has no template ${file}`);
}

/** Renders a model type's template `file` (a role like boot_install resolves through `templates`). */
export async function renderModelTemplate(
  loader: TemplateLoader,
  i: RenderInputs,
  file: string,
): Promise<string> {
  const context = renderContext(i);
  // The kernel command line is in the boot script, which any machine may ask for: no install key.
  const args = i.type.kernel_args
    ? loader.inline(
        i.type.kernel_args,
        `${i.type.name} kernel_args`,
      )(renderContext({ ...i, installKey: undefined }))
    : '';
  const template = await typeTemplate(loader, i.type, i.type.templates[file] ?? file);
  return template({ ...context, kernel_args: args.replace(/\s+/g, ' ').trim() });
}
