/**
 * What ProxyDHCP answers (PXE spec 2.1, as pixiecore and dnsmasq's proxy mode behave): only PXE
 * clients (option 60 `PXEClient…`), never an address (yiaddr stays 0). BIOS gets undionly.kpxe
 * with "boot from this file" discovery control (option 43, sub-option 6 = 8); UEFI gets its iPXE
 * by name and asks again on port 4011; a client already running iPXE (user class `iPXE`) gets
 * razor's HTTP boot URL, so PXE → iPXE → razor never loops.
 */
import { DHCP_TYPE, ipOption, macOf, type DhcpReply, type DhcpRequest } from './dhcp-packet.js';
import { PXE_ARCH } from '../../lib/pxe/boot-files.js';

/** What the answer is made from. */
export interface ProxyContext {
  /** The address this server announces (siaddr, option 54, TFTP next-server). */
  readonly server: string;
  /** The TFTP file for an architecture, or undefined when razor has none for it. */
  readonly bootFile: (arch: number) => string | undefined;
  /** razor's boot URL for iPXE. */
  readonly ipxeUrl: string;
}

/** A reply to send, or why the packet is ignored. */
export type ProxyAnswer =
  { reply: DhcpReply; mac: string; arch?: number; file: string } | { ignored: string };

/** Whether the client already runs iPXE (user class, option 77, contains `iPXE`). */
export const isIpxe = (req: DhcpRequest): boolean =>
  req.options.get(77)?.toString('latin1').includes('iPXE') === true;

/** Whether the client says it is a PXE client (vendor class, option 60, starts `PXEClient`). */
export const isPxeClient = (req: DhcpRequest): boolean =>
  req.options.get(60)?.toString('latin1').startsWith('PXEClient') === true;

/** The client's architecture (option 93), if it sent one. */
export function clientArch(req: DhcpRequest): number | undefined {
  const option = req.options.get(93);
  return option && option.length >= 2 ? option.readUInt16BE(0) : undefined;
}

/**
 * The answer to `req` arriving on the DHCP port (`'dhcp'`: DISCOVER → OFFER, broadcast) or the
 * PXE port (`'pxe'`: REQUEST/INFORM → ACK, unicast).
 */
export function proxyAnswer(req: DhcpRequest, port: 'dhcp' | 'pxe', ctx: ProxyContext): ProxyAnswer {
  const type = req.options.get(53)?.[0];
  if (port === 'dhcp' && type !== DHCP_TYPE.discover)
    return { ignored: `message type ${type} on the DHCP port` };
  if (port === 'pxe' && type !== DHCP_TYPE.request && type !== DHCP_TYPE.inform)
    return { ignored: `message type ${type} on the PXE port` };
  if (!isPxeClient(req)) return { ignored: 'not a PXE client' };
  const arch = clientArch(req);
  const ipxe = isIpxe(req);
  if (arch === undefined && !ipxe) return { ignored: 'no client architecture (option 93)' };
  const file = ipxe ? ctx.ipxeUrl : ctx.bootFile(arch as number);
  if (file === undefined) return { ignored: `no boot file for architecture ${arch}` };
  const options: [number, Buffer][] = [
    [53, Buffer.from([port === 'dhcp' ? DHCP_TYPE.offer : DHCP_TYPE.ack])],
    [54, ipOption(ctx.server)],
    [60, Buffer.from('PXEClient')],
  ];
  const guid = req.options.get(97);
  if (guid) options.push([97, guid]);
  // UEFI firmware ignores a bypass of boot server discovery and asks on 4011 instead (pixiecore's finding).
  const efi = arch !== undefined && arch !== PXE_ARCH.bios;
  if (!efi || ipxe) options.push([43, Buffer.from([6, 1, 8, 255])]);
  options.push([67, Buffer.from(file, 'latin1')]);
  const reply: DhcpReply = {
    request: req,
    broadcast: port === 'dhcp',
    siaddr: ctx.server,
    sname: ctx.server,
    file: file.length < 128 ? file : '',
    options,
  };
  return { reply, mac: macOf(req), arch, file };
}
