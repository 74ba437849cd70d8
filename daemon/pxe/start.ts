/**
 * `razor daemon --tftp --proxy-dhcp`: starts the built-in TFTP server and ProxyDHCP when the
 * configuration asks for them, and says what is served where (banner lines for the daemon).
 */
import { rootFiles } from './tftp-files.js';
import { startTftpServer, type TftpServer } from './tftp-server.js';
import type { PxeLog } from './log.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProxyDhcp } from './proxy-dhcp.js';
import { ARM64_EFI_FILE, bootFileFor, ipxeBootUrl } from '../../lib/pxe/boot-files.js';
import { pxeServerAddress } from '../../lib/pxe/server-address.js';
import { nodeApiPort, type ConfigValues } from '../../lib/config.js';
import type { Store } from '../../lib/store/store.js';
import { startFullDhcp } from './start-dhcp.js';

/** What the PXE services need from the daemon. */
export interface PxeServiceDeps {
  readonly values: Readonly<ConfigValues>;
  readonly log: PxeLog;
  /** Renders razor.ipxe (the `config ipxe` verb). */
  readonly chainScript: () => Promise<string>;
  /** Full DHCP mode keeps its leases here. */
  readonly store: Store;
  readonly clock: () => Date;
  readonly newUuid: () => string;
}

/** The running services: banner lines, and stop. */
export interface PxeServices {
  readonly banner: readonly string[];
  stop(): Promise<void>;
}

const TFTP_OFF =
  '\n           (TFTP is off here: start with --tftp, or serve those files from this host yourself)';

/** Starts what `tftp` / `proxy_dhcp` / `dhcp` turn on; rejects (after stopping what started) with a clear message. */
export async function startPxeServices(d: PxeServiceDeps): Promise<PxeServices> {
  const v = d.values;
  const banner: string[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(stops.map((s) => s()));
  };
  try {
    if (v.tftp === 'true') {
      const tftp: TftpServer = await startTftpServer({
        host: v.listen_address,
        port: v.tftp_port,
        files: rootFiles(v.tftp_root, { 'razor.ipxe': d.chainScript }),
        log: d.log,
      });
      stops.push(tftp.stop);
      banner.push(
        `  tftp     udp ${v.listen_address}:${tftp.port}   (read-only: ${v.tftp_root}, and razor.ipxe rendered)`,
      );
    }
    if (v.proxy_dhcp !== 'true' && v.dhcp !== 'true') return { banner, stop };
    const announced = pxeServerAddress(v.dhcp_interface, v.image_svc_host);
    const server = announced.address;
    const ipxeUrl = ipxeBootUrl(server, nodeApiPort(v));
    // arm64 UEFI only when its iPXE has been put in the TFTP root.
    const bootFile = (arch: number) => {
      const file = bootFileFor(arch, v.pxe_efi_file);
      return file === ARM64_EFI_FILE && !existsSync(join(v.tftp_root, file)) ? undefined : file;
    };
    if (v.dhcp === 'true') {
      const full = await startFullDhcp(d, announced, { ipxeUrl, bootFile });
      stops.push(full.stop);
      banner.push(full.banner);
    }
    if (v.proxy_dhcp === 'true') {
      const proxy = await startProxyDhcp({
        host: '0.0.0.0',
        dhcpPort: v.proxy_dhcp_port,
        pxePort: v.proxy_dhcp_pxe_port,
        log: d.log,
        // Send from the announced address when it is this host's (its netmask was found).
        sendFrom: announced.netmask ? server : undefined,
        context: { server, ipxeUrl, bootFile },
      });
      stops.push(proxy.stop);
      banner.push(
        `  pxe      ProxyDHCP udp ${proxy.dhcpPort} and ${proxy.pxePort} as ${server}${v.dhcp_interface ? ` (${v.dhcp_interface})` : ''}: ` +
          `PXE clients only, no addresses; BIOS undionly.kpxe, UEFI ${v.pxe_efi_file}, iPXE ${ipxeUrl.replace(/\?.*/, '')}` +
          (v.tftp === 'true' ? '' : TFTP_OFF),
      );
    }
    if (v.dhcp === 'true' && v.tftp !== 'true') banner.push(TFTP_OFF.slice(1));
  } catch (err) {
    await stop();
    throw err;
  }
  return { banner, stop };
}
