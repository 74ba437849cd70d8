/**
 * ProxyDHCP's answers to built packets: only PXE clients, never an address, the boot file by
 * architecture (option 93), iPXE sent to the HTTP boot URL (option 77), UEFI asked again on the
 * PXE port; and malformed packets read as nothing. Then the
 * same over real sockets on 127.0.0.1.
 */
import { describe, expect, test } from '@jest/globals';
import { decodeDhcp } from '../../daemon/pxe/dhcp-packet.js';
import { proxyAnswer, type ProxyContext } from '../../daemon/pxe/proxy-dhcp-answer.js';
import { startProxyDhcp } from '../../daemon/pxe/proxy-dhcp.js';
import { silentLog } from '../../daemon/pxe/log.js';
import { bootFileFor, ipxeBootUrl } from '../../lib/pxe/boot-files.js';
import { dhcpRequest, readReply, type RequestSpec } from '../helpers/dhcp-request.js';
import { udpPeer } from '../helpers/tftp-client.js';

const SERVER = '192.168.77.1';
const URL = ipxeBootUrl(SERVER, 8026);
const ctx: ProxyContext = {
  server: SERVER,
  ipxeUrl: URL,
  bootFile: (arch) => (arch === 11 ? undefined : bootFileFor(arch, 'snponly.efi')),
};
const GUID = Buffer.concat([Buffer.from([0]), Buffer.alloc(16, 0xab)]);
const BIOS = 'PXEClient:Arch:00000:UNDI:002001';
const EFI = 'PXEClient:Arch:00007:UNDI:003000';

function answer(spec: RequestSpec, port: 'dhcp' | 'pxe' = 'dhcp') {
  const req = decodeDhcp(dhcpRequest(spec));
  if (!req) throw new Error('the built packet does not decode');
  return proxyAnswer(req, port, ctx);
}

describe('ProxyDHCP answers', () => {
  test('a BIOS PXE DISCOVER gets an OFFER for undionly.kpxe with no address', () => {
    const a = answer({ type: 1, vendorClass: BIOS, arch: 0, guid: GUID });
    if ('ignored' in a) throw new Error(a.ignored);
    expect(a).toMatchObject({ mac: '52:54:00:12:34:56', arch: 0, file: 'undionly.kpxe' });
    expect(a.reply.broadcast).toBe(true);
    const opts = new Map(a.reply.options);
    expect(opts.get(53)).toEqual(Buffer.from([2]));
    expect(opts.get(54)).toEqual(Buffer.from([192, 168, 77, 1]));
    expect(opts.get(60)?.toString()).toBe('PXEClient');
    expect(opts.get(97)).toEqual(GUID);
    // Discovery control 8: boot from the file named here, no boot server discovery.
    expect(opts.get(43)).toEqual(Buffer.from([6, 1, 8, 255]));
    expect(a.reply).toMatchObject({ siaddr: SERVER, sname: SERVER, file: 'undionly.kpxe' });
  });

  test.each([
    [7, 'snponly.efi'],
    [9, 'snponly.efi'],
  ])('UEFI arch %i gets %s, without discovery control, and again as an ACK on the PXE port', (arch, file) => {
    const offer = answer({ type: 1, vendorClass: EFI, arch });
    const ack = answer({ type: 3, vendorClass: EFI, arch }, 'pxe');
    for (const [a, type, broadcast] of [
      [offer, 2, true],
      [ack, 5, false],
    ] as const) {
      if ('ignored' in a) throw new Error(a.ignored);
      expect(a.file).toBe(file);
      expect(new Map(a.reply.options).get(53)).toEqual(Buffer.from([type]));
      expect(new Map(a.reply.options).has(43)).toBe(false);
      expect(a.reply.broadcast).toBe(broadcast);
    }
  });

  test('a client already in iPXE gets the HTTP boot URL (option 67; too long for the file field)', () => {
    const a = answer({ type: 1, vendorClass: BIOS, arch: 0, userClass: 'iPXE' });
    if ('ignored' in a) throw new Error(a.ignored);
    expect(a.file).toBe(URL);
    expect(URL).toMatch(/^http:\/\/192\.168\.77\.1:8026\/razor\/api\/boot\?hw_id=\$\{net0\/mac\}_/);
    expect(new Map(a.reply.options).get(67)?.toString()).toBe(URL);
    expect(a.reply.file).toBe('');
    expect(a.reply.siaddr).toBe(SERVER);
  });

  test.each<[string, RequestSpec, 'dhcp' | 'pxe']>([
    ['a plain DHCP client', { type: 1, vendorClass: 'MSFT 5.0', arch: 0 }, 'dhcp'],
    ['no vendor class at all', { type: 1, arch: 0 }, 'dhcp'],
    ['a PXE client without option 93', { type: 1, vendorClass: BIOS }, 'dhcp'],
    ['arm64 UEFI with no ipxe-arm64.efi present', { type: 1, vendorClass: BIOS, arch: 11 }, 'dhcp'],
    ['an unknown architecture', { type: 1, vendorClass: BIOS, arch: 1 }, 'dhcp'],
    ['a REQUEST on the DHCP port (the site server leases)', { type: 3, vendorClass: BIOS, arch: 0 }, 'dhcp'],
    ['a DISCOVER on the PXE port', { type: 1, vendorClass: BIOS, arch: 0 }, 'pxe'],
  ])('%s is ignored', (_what, spec, port) => {
    expect(answer(spec, port)).toHaveProperty('ignored');
  });

  test('malformed packets read as nothing: truncated, bad cookie, a reply, an option past the end', () => {
    const good = dhcpRequest({ type: 1, vendorClass: BIOS, arch: 0 });
    expect(decodeDhcp(good.subarray(0, 239))).toBeUndefined();
    const cookie = Buffer.from(good);
    cookie[236] = 0;
    expect(decodeDhcp(cookie)).toBeUndefined();
    const reply = Buffer.from(good);
    reply[0] = 2;
    expect(decodeDhcp(reply)).toBeUndefined();
    const overrun = Buffer.concat([good.subarray(0, good.length - 1), Buffer.from([60, 200, 1, 2])]);
    expect(decodeDhcp(overrun)).toBeUndefined();
  });
});

describe('ProxyDHCP over UDP', () => {
  test('DISCOVER → OFFER to the broadcast target, REQUEST on the PXE port → ACK to the sender', async () => {
    const client = await udpPeer();
    const proxy = await startProxyDhcp({
      host: '127.0.0.1',
      dhcpPort: 0,
      pxePort: 0,
      context: ctx,
      log: silentLog,
      broadcastTo: { address: '127.0.0.1', port: client.port },
    });
    try {
      client.send(dhcpRequest({ type: 1, vendorClass: BIOS, arch: 0, xid: 7 }), proxy.dhcpPort);
      const offer = readReply((await client.next()).buf);
      expect(offer).toMatchObject({
        op: 2,
        xid: 7,
        type: 2,
        yiaddr: '0.0.0.0',
        siaddr: SERVER,
        file: 'undionly.kpxe',
      });
      expect(offer.broadcast).toBe(true);
      client.send(dhcpRequest({ type: 3, vendorClass: EFI, arch: 7, xid: 8 }), proxy.pxePort);
      const ack = readReply((await client.next()).buf);
      expect(ack).toMatchObject({ xid: 8, type: 5, yiaddr: '0.0.0.0', file: 'snponly.efi' });
      // Not a PXE client: no answer; the next answer is for the packet after it.
      client.send(dhcpRequest({ type: 1, vendorClass: 'udhcp 1.35', xid: 9 }), proxy.dhcpPort);
      client.send(dhcpRequest({ type: 1, vendorClass: BIOS, arch: 0, xid: 10 }), proxy.dhcpPort);
      expect(readReply((await client.next()).buf).xid).toBe(10);
    } finally {
      await proxy.stop();
      client.close();
    }
  });
});
