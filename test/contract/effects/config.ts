/** Effects of the config verbs (read-only). */
import { expect } from '@jest/globals';
import { REDACTED } from '../../../lib/domain/metadata.js';
import { rows } from './common.js';
import type { SliceEffects } from './effect.js';

/** config. */
export const configEffects: SliceEffects = {
  read: {
    store: 'unchanged',
    response: (o) => {
      const keys = rows(o).map((r) => r.key as string);
      expect(keys).toEqual([...keys].sort());
      expect(rows(o)).toContainEqual({ key: 'api_port', value: 8026, source: 'default' });
      expect(rows(o)).toContainEqual({ key: 'image_svc_host', value: '10.0.2.2', source: 'env' });
      expect(rows(o).find((r) => r.key === 'default_ipmi_password')?.value).toBe(REDACTED);
    },
  },
  ipxe: {
    store: 'unchanged',
    response: (o) => {
      expect(String(o.response).startsWith('#!ipxe\n')).toBe(true);
      expect(String(o.response)).toContain('http://10.0.2.2:8026');
    },
  },
  dnsmasq: {
    store: 'unchanged',
    response: (o) => {
      const text = String(o.response);
      expect(text).toContain('\nenable-tftp\n');
      expect(text).toContain('\ndhcp-range=10.0.2.2,proxy');
      expect(text).toContain('pxe-service=tag:!ipxe,x86PC,"razor",undionly.kpxe');
      expect(text).toContain('dhcp-boot=tag:ipxe,http://10.0.2.2:8026/razor/api/boot?hw_id=');
    },
  },
};
