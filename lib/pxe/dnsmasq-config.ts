/**
 * `razor config dnsmasq`: a dnsmasq configuration doing what `razor daemon --tftp --proxy-dhcp`
 * does, for sites that keep their own DHCP/TFTP. The shape is the one verified in the PXE lab
 * (shared/reference/boot-lab-notes.md): proxy mode beside the site's DHCP, iPXE by architecture,
 * and iPXE itself sent to razor's boot URL (with the server address, or iPXE ignores the answer).
 */
import { bootFileFor, ipxeBootUrl, PXE_ARCH } from './boot-files.js';
import { networkOf, type Ipv4 } from './server-address.js';

/** What the configuration is made from. */
export interface DnsmasqInputs {
  readonly server: Ipv4;
  readonly dhcpInterface: string;
  readonly tftpRoot: string;
  readonly efiFile: string;
  readonly nodePort: number;
}

/** The configuration text. */
export function dnsmasqConfig(i: DnsmasqInputs): string {
  const range = i.server.netmask
    ? `dhcp-range=${networkOf(i.server.address, i.server.netmask)},proxy,${i.server.netmask}`
    : `dhcp-range=${i.server.address},proxy   # replace with your network's address, e.g. 192.168.1.0`;
  return [
    '# dnsmasq as ProxyDHCP + TFTP for razor (from `razor config dnsmasq`); equivalent to',
    '# `razor daemon --tftp --proxy-dhcp`. It hands out no addresses: your DHCP server keeps doing that.',
    'port=0',
    i.dhcpInterface
      ? `interface=${i.dhcpInterface}`
      : '# interface=eth0        # the interface facing the machines',
    'bind-interfaces',
    range,
    'enable-tftp',
    `tftp-root=${i.tftpRoot}`,
    'dhcp-userclass=set:ipxe,iPXE',
    'pxe-prompt="razor",0',
    `pxe-service=tag:!ipxe,x86PC,"razor",${bootFileFor(PXE_ARCH.bios, i.efiFile)}`,
    `pxe-service=tag:!ipxe,x86-64_EFI,"razor",${bootFileFor(PXE_ARCH.efiX64, i.efiFile)}`,
    '# iPXE (user class iPXE) goes straight to razor; the third field (the server) is required.',
    `dhcp-boot=tag:ipxe,${ipxeBootUrl(i.server.address, i.nodePort)},,${i.server.address}`,
    '',
  ].join('\n');
}
