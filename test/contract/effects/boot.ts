/** Effects of the boot verb (iPXE scripts). */
import { expect } from '@jest/globals';
import type { SliceEffects } from './effect.js';
import { SEED } from '../../helpers/fixture.js';

/** boot. */
export const bootEffects: SliceEffects = {
  // The samples name the seeded idle node: it boots the newest Microkernel; the node records the
  // NIC it got DHCP on and, over HTTP, the address it booted from.
  default: {
    store: (input, overHttp) =>
      input.hw_id === undefined && input.mac === undefined
        ? 'unchanged'
        : input.dhcp_mac !== undefined || overHttp
          ? { changed: { node: [SEED.node] } }
          : 'unchanged',
    response: (o) => {
      const script = String(o.response);
      expect(script.startsWith('#!ipxe\n')).toBe(true);
      if (o.input.hw_id === undefined && o.input.mac === undefined) {
        expect(script).toContain('no hw_id or mac given');
        return;
      }
      expect(script).toContain(`/razor/image/mk/${SEED.mk_image}/boot/vmlinuz`);
      expect(script).toContain(`/razor/image/mk/${SEED.mk_image}/boot/initrd.gz`);
    },
    check: (o) => {
      if (o.input.hw_id === undefined && o.input.mac === undefined) return;
      const node = o.after.node?.[SEED.node] ?? {};
      expect(node.dhcp_mac).toBe(o.input.dhcp_mac ?? null);
      if (o.overHttp) expect(node.boot_ip).toMatch(/^(127\.0\.0\.1|::1)$/);
      else expect(node.boot_ip).toBeUndefined();
    },
  },
};
