/** The `image` slice: OS, Microkernel, ESXi and XenServer images (reference §1.8, §7). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { field } from '../lib/verbs/fields.js';
import { crudVerbs, type Presenter } from '../lib/verbs/crud/index.js';
import { defineSlice, defineVerb } from '../lib/verbs/spec.js';
import { columns } from '../lib/verbs/columns.js';
import { importImage } from '../lib/images/import.js';
import { silentProgress } from '../lib/images/progress.js';
import type { ModelDoc } from '../lib/domain/documents.js';

const size = ({ size: bytes }: Record<string, unknown>) =>
  typeof bytes === 'number' && bytes > 0 ? `${(bytes / 1048576).toFixed(1)} MB` : '-';
const usedBy = (o: Record<string, unknown>) => (o.used_by as string[]).join(', ') || '-';

/** Adds which models use the image. */
const present: Presenter = async (doc, _ctx, r) => ({
  ...doc,
  used_by: (await r.findBy<ModelDoc>('model', 'image_uuid', doc.uuid)).map((m) => m.label),
});

/** The image slice. */
export const imageSlice = defineSlice({
  name: 'image',
  summary: 'Images: OS installers and Microkernels that nodes boot from',
  collection: 'image',
  filterable: ['uuid', 'name', 'version', 'type', 'status', 'source', 'used_by'],
  table: columns({
    UUID: 'uuid',
    Type: 'type',
    Name: 'name',
    Version: 'version',
    Size: size,
    Status: 'status',
    'Used by': usedBy,
  }),
  item: columns({
    UUID: 'uuid',
    Type: 'type',
    Name: 'name',
    Version: 'version',
    Size: size,
    Source: 'source',
    Kernel: (o) => o.kernel ?? '-',
    Initrd: (o) => o.initrd ?? '-',
    Status: 'status',
    'Used by': usedBy,
  }),
  verbs: [
    defineVerb({
      name: 'add',
      summary: 'Import an image from an ISO or a directory (no mount, no root), or register a remote mirror',
      description:
        'os images are recognised (Debian, Ubuntu, RedHat/CentOS/Rocky, SLES/openSUSE) and their installer kernel and initrd found; mk images are checked against the SHA-256 hashes in iso-metadata.yaml; esxi needs boot.cfg and vmware-esx-base-osl.txt; xenserver needs XS-REPOSITORY and the pxelinux files. Ctrl-C leaves nothing behind.',
      fields: {
        type: field.catalogEnum('imageTypes', {
          help: 'Image type',
          short: 't',
          required: true,
        }),
        path: field.string({
          help: 'An ISO file or a directory holding the image tree; or (also as --url) the http(s) URL of a remote mirror installers are pointed at',
          short: 'p',
          required: true,
          aliases: ['url'],
        }),
        name: field.string({ help: 'Name (default: detected)', short: 'n' }),
        version: field.string({ help: 'Version (default: detected)', short: 'v' }),
        kernel: field.string({
          help: 'Installer kernel path inside the image (default: detected)',
          short: 'k',
        }),
        initrd: field.string({
          help: 'Installer initrd path inside the image (default: detected)',
          short: 'i',
        }),
      },
      success: 'created',
      http: null,
      view: 'item',
      sample: { type: 'os', path: 'test/fixtures/images/debian-netboot' },
      moreSamples: [
        {
          type: 'os',
          path: 'http://mirror.example.com/debian/dists/bookworm/main/installer-amd64/current/images/netboot',
          name: 'debian',
          version: '12',
          kernel: 'debian-installer/amd64/linux',
          initrd: 'debian-installer/amd64/initrd.gz',
        },
      ],
      handler: async (input, ctx) => {
        const doc = await importImage(
          ctx,
          {
            type: input.type,
            path: input.path,
            name: input.name,
            version: input.version,
            kernel: input.kernel,
            initrd: input.initrd,
          },
          ctx.progress ?? silentProgress,
          ctx.signal,
        );
        return [await ctx.store.read((r) => present(doc, ctx, r))];
      },
    }),
    ...crudVerbs({
      slice: 'image',
      collection: 'image',
      noun: 'image',
      present,
      commands: { list: 'images_query_all', get: 'get_image_by_uuid', 'remove-all': 'remove_all_images' },
      usedBy: [{ collection: 'model', field: 'image_uuid' }],
      // The store entry is gone first, so no node is sent to files that are being deleted.
      afterRemove: async (doc, ctx) => {
        if (!ctx.catalog.imageTypes.has(String(doc.type))) return;
        await rm(join(ctx.config.values.image_svc_path, String(doc.type), doc.uuid), {
          recursive: true,
          force: true,
        });
      },
    }),
  ],
});
