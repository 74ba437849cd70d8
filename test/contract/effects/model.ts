/** Effects of the model verbs. */
import { expect } from '@jest/globals';
import { REDACTED } from '../../../lib/domain/metadata.js';
import {
  addedDoc,
  getEffect,
  listEffect,
  only,
  removeAllEffect,
  removeEffect,
  rows,
  stored,
  touched,
} from './common.js';
import type { Doc } from './common.js';
import type { SliceEffects } from './effect.js';

const SHA512_CRYPT = /^\$6\$/;

/** model. */
export const modelEffects: SliceEffects = {
  list: listEffect('model'),
  get: {
    ...getEffect('model', ['metadata']),
    check: (o) =>
      expect(only(o).metadata).toEqual({
        hostname_prefix: 'node',
        domainname: 'example.com',
        root_password: REDACTED,
      }),
  },
  remove: removeEffect('model', 'model'),
  'remove-all': removeAllEffect('model', 'model'),
  templates: {
    store: 'unchanged',
    response: (o) => {
      expect(rows(o).find((t) => t.name === 'debian_bookworm')).toMatchObject({
        template: 'linux_deploy',
        image_type: 'os',
      });
      expect(rows(o).map((t) => t.name)).toEqual(expect.arrayContaining(['vmware_esxi_8', 'xenserver']));
    },
  },
  add: {
    store: { added: { model: 1 } },
    response: (o) => {
      const doc = addedDoc(o, 'model');
      expect(only(o)).toEqual({ ...doc, metadata: { ...(doc.metadata as Doc), root_password: REDACTED } });
    },
    check: (o) => {
      const doc = addedDoc(o, 'model');
      const given = o.input.req_metadata_hash as Doc;
      expect(doc).toMatchObject({
        label: o.input.label,
        type: o.input.template,
        template: 'linux_deploy',
        image_uuid: o.input.image_uuid,
        metadata: { hostname_prefix: given.hostname_prefix, domainname: given.domainname },
      });
      // Only a crypt hash of the password is stored.
      expect((doc.metadata as Doc).root_password).toMatch(SHA512_CRYPT);
    },
  },
  update: {
    store: (input) => ({ changed: { model: [input.uuid as string] } }),
    response: (o) => {
      const doc = stored(o, 'model', o.input.uuid as string);
      expect(only(o)).toEqual({ ...doc, metadata: { ...(doc.metadata as Doc), root_password: REDACTED } });
    },
    check: (o) => {
      const was = o.before.model?.[o.input.uuid as string] as Doc;
      const now = stored(o, 'model', o.input.uuid as string);
      touched(was, now);
      const given = (o.input.req_metadata_hash ?? {}) as Doc;
      const { root_password: _secret, ...kept } = was.metadata as Doc;
      expect(now).toMatchObject({
        label: o.input.label ?? was.label,
        image_uuid: o.input.image_uuid ?? was.image_uuid,
        metadata: { ...kept, ...given },
      });
      // Still only a crypt hash (the seed's short stand-in hash is not one, so a write re-hashes it).
      expect((now.metadata as Doc).root_password).toMatch(SHA512_CRYPT);
    },
  },
};
