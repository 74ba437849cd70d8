/** The `image` slice: OS, Microkernel, ESXi and XenServer images (reference §1.8, §7). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crudVerbs, mustGet } from '../lib/crud.js';

const IMAGE_TYPES = ['mk', 'os', 'esxi', 'xenserver'];
import { defineSlice } from '../lib/spec.js';

/** The image slice. */
export const imageSlice = defineSlice({
  name: 'image',
  summary: 'Images: OS installers and Microkernels that nodes boot from',
  collection: 'image',
  filterable: ['uuid', 'name', 'version', 'type', 'status'],
  table: [
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Type', value: (o) => o.type },
    { header: 'Name', value: (o) => o.name },
    { header: 'Version', value: (o) => o.version },
    { header: 'Status', value: (o) => o.status },
  ],
  item: [
    { header: 'UUID', value: (o) => o.uuid },
    { header: 'Type', value: (o) => o.type },
    { header: 'Name', value: (o) => o.name },
    { header: 'Version', value: (o) => o.version },
    { header: 'Source', value: (o) => o.source },
    { header: 'Status', value: (o) => o.status },
  ],
  verbs: crudVerbs({
    slice: 'image',
    collection: 'image',
    noun: 'image',
    usedBy: [{ collection: 'model', field: 'image_uuid' }],
  }).map((v) =>
    v.name === 'remove'
      ? {
          ...v,
          handler: async (input, ctx) => {
            const doc = await ctx.store.read((r) => mustGet(r, 'image', input.uuid as string));
            const message = await v.handler(input, ctx);
            // The store entry is gone first, so no node is sent to files that are being deleted.
            if (IMAGE_TYPES.includes(doc.type as string)) {
              await rm(join(ctx.config.values.image_svc_path, doc.type as string, doc.uuid), {
                recursive: true,
                force: true,
              });
            }
            return message;
          },
        }
      : v,
  ),
});
