/** The IPv4 address the PXE services announce: the DHCP interface's own, or the configured host. */
import { networkInterfaces } from 'node:os';
import { RazorError } from '../errors.js';

/** An IPv4 address with its netmask. */
export interface Ipv4 {
  readonly address: string;
  readonly netmask?: string;
}

/**
 * `dhcp_interface`'s first IPv4 address when one is named (an error if it has none), else
 * `fallback` (image_svc_host) with the netmask of the local interface holding it, if any.
 */
export function pxeServerAddress(dhcpInterface: string, fallback: string): Ipv4 {
  const all = networkInterfaces();
  if (dhcpInterface !== '') {
    const v4 = (all[dhcpInterface] ?? []).find((a) => a.family === 'IPv4');
    if (!v4) {
      const known = Object.keys(all).join(', ');
      throw new RazorError(
        'InputError',
        `dhcp_interface '${dhcpInterface}' has no IPv4 address on this host (interfaces: ${known})`,
      );
    }
    return { address: v4.address, netmask: v4.netmask };
  }
  for (const list of Object.values(all)) {
    const hit = list?.find((a) => a.family === 'IPv4' && a.address === fallback);
    if (hit) return { address: hit.address, netmask: hit.netmask };
  }
  return { address: fallback };
}

/** The network address of `ip`/`netmask` (192.168.77.5/255.255.255.0 → 192.168.77.0). */
export function networkOf(ip: string, netmask: string): string {
  const a = ip.split('.').map(Number);
  const m = netmask.split('.').map(Number);
  return a.map((o, i) => o & (m[i] ?? 0)).join('.');
}
