/**
 * `razor daemon --dhcp`: full DHCP mode for an isolated lab network (ADR 0026) — its settings
 * checked, its server started on the announced address, and its banner line.
 */
import { RazorError } from '../../lib/errors.js';
import { dhcpSettings, intToIp } from '../../lib/pxe/dhcp-settings.js';
import type { Ipv4 } from '../../lib/pxe/server-address.js';
import type { ConfigValues } from '../../lib/config.js';
import type { Store } from '../../lib/store/store.js';
import { startDhcpServer } from './dhcp-server.js';
import { clientArch, isIpxe, isPxeClient } from './proxy-dhcp-answer.js';
import type { DhcpRequest } from './dhcp-packet.js';
import type { PxeLog } from './log.js';

/** What full DHCP mode needs from the daemon. */
export interface FullDhcpDeps {
  readonly values: Readonly<ConfigValues>;
  readonly log: PxeLog;
  readonly store: Store;
  readonly clock: () => Date;
  readonly newUuid: () => string;
}

/** How PXE clients boot: razor's URL for iPXE, the TFTP file for an architecture. */
export interface BootChoice {
  readonly ipxeUrl: string;
  readonly bootFile: (arch: number) => string | undefined;
}

/** Starts the DHCP server; its banner line and stop. Rejects with an InputError on bad settings. */
export async function startFullDhcp(
  d: FullDhcpDeps,
  announced: Ipv4,
  boot: BootChoice,
): Promise<{ banner: string; stop: () => Promise<void> }> {
  const v = d.values;
  if (v.proxy_dhcp === 'true')
    throw new RazorError(
      'InputError',
      'dhcp and proxy_dhcp cannot both be on: full DHCP mode answers PXE clients itself (turn one off)',
    );
  const settings = dhcpSettings(v, announced);
  const bootFile = (req: DhcpRequest) => {
    if (isIpxe(req)) return boot.ipxeUrl;
    const arch = clientArch(req);
    return isPxeClient(req) && arch !== undefined ? boot.bootFile(arch) : undefined;
  };
  const server = await startDhcpServer({
    host: '0.0.0.0',
    port: v.dhcp_port,
    sendFrom: announced.netmask ? announced.address : undefined,
    context: { settings, bootFile },
    store: d.store,
    clock: d.clock,
    newUuid: d.newUuid,
    log: d.log,
  });
  const pool = `${intToIp(settings.first)}-${intToIp(settings.last)}`;
  const reserved = settings.reservations.size ? `, ${settings.reservations.size} reserved` : '';
  return {
    banner:
      `  dhcp     udp ${server.port} as ${announced.address}${v.dhcp_interface ? ` (${v.dhcp_interface})` : ''}: ` +
      `full DHCP, pool ${pool}/${settings.netmask}${reserved}, leases of ${settings.leaseSeconds} s kept in the store`,
    stop: server.stop,
  };
}
