/** Effects of the image verbs: the store and the image folders on disk. */
import { expect } from '@jest/globals';
import { addedDoc, getEffect, listEffect, only, removeAllEffect, removeEffect } from './common.js';
import type { SliceEffects } from './effect.js';

const isRemote = (path: unknown) => /^https?:\/\//.test(String(path));

/** image. */
export const imageEffects: SliceEffects = {
  add: {
    store: { added: { image: 1 } },
    response: (o) => expect(only(o)).toMatchObject({ ...addedDoc(o, 'image'), used_by: [] }),
    check: (o) => {
      const doc = addedDoc(o, 'image');
      expect(doc).toMatchObject({ type: o.input.type, name: 'debian', version: '12' });
      expect(doc.status).toBe(isRemote(o.input.path) ? 'remote' : 'valid');
      expect(doc).toMatchObject({
        kernel: 'debian-installer/amd64/linux',
        initrd: 'debian-installer/amd64/initrd.gz',
      });
    },
    // A local tree is copied under image_svc_path/os/<uuid>; a remote mirror stays remote.
    files: (input) => ({ added: isRemote(input.path) ? 0 : 1 }),
  },
  list: listEffect('image'),
  get: getEffect('image'),
  remove: removeEffect('image', 'image', { files: (input) => ({ removed: [input.uuid as string] }) }),
  'remove-all': removeAllEffect('image', 'image', { files: { removed: 'all' } }),
};
